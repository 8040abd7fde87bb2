#include "cli/backup_command.h"

#include <cstdio>
#include <filesystem>
#include <string>

#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "store/sqlite.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl backup --db FILE --to COPY\n"
    "\n"
    "Writes a consistent copy of the database (a snapshot, even while driftd\n"
    "writes) to COPY, which must not exist, and checks its integrity.\n";

}  // namespace

int run_backup(int argc, const char* const* argv) {
  po::options_description options("options");
  std::string db_path, copy;
  options.add_options()("help,h", "this help")("db", po::value(&db_path))("to", po::value(&copy));
  const auto parsed = parse_arguments(argc, argv, options, kUsage);
  if (!parsed) return kExitOk;
  if (db_path.empty() || copy.empty()) throw UsageError("--db and --to are required");
  if (std::filesystem::exists(copy)) throw UsageError("--to: " + copy + " exists already");
  {
    store::Database db(db_path, store::Database::Mode::kReadOnly);
    db.prepare("VACUUM INTO ?1").bind(1, std::string_view(copy)).run();
  }
  store::Database check(copy, store::Database::Mode::kReadOnly);
  store::Statement integrity = check.prepare("PRAGMA integrity_check");
  integrity.step();
  if (integrity.column_text(0) != "ok") {
    throw UsageError(copy + ": the copy fails its integrity check: " + integrity.column_text(0));
  }
  store::Statement version = check.prepare("PRAGMA user_version");
  version.step();
  std::printf("%s -> %s: %llu bytes, schema version %lld, integrity ok\n", db_path.c_str(),
              copy.c_str(), static_cast<unsigned long long>(std::filesystem::file_size(copy)),
              static_cast<long long>(version.column_int(0)));
  return kExitOk;
}

}  // namespace driftd::cli
