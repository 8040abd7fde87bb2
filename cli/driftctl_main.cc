// driftctl: the offline face of driftd. Dispatches to one subcommand; every
// failure is one line on stderr, "driftctl <command>: <message>" (the command
// with its action, such as "reference promote", for commands that have
// actions), and exit code 2.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include <boost/program_options/errors.hpp>

#include "cli/alerts_command.h"
#include "cli/backup_command.h"
#include "cli/cli_error.h"
#include "cli/history_command.h"
#include "cli/status_command.h"
#include "cli/subscriptions_command.h"
#include "cli/compare_command.h"
#include "cli/divergence_command.h"
#include "cli/reference_command.h"
#include "common/error.h"
#include "store/sqlite.h"

namespace {

struct Subcommand {
  std::string_view name;
  std::string_view summary;
  int (*run)(int argc, const char* const* argv);
  bool has_actions = false;  // the first argument is an action: "reference list"
};

constexpr Subcommand kSubcommands[] = {
    {"divergence", "every measure for two distributions given on the command line",
     driftd::cli::run_divergence},
    {"compare", "compare the columns of a current file with a reference file",
     driftd::cli::run_compare},
    {"reference", "list, show, import or promote the references in a driftd database",
     driftd::cli::run_reference, true},
    {"alerts", "alert episodes from a driftd database or daemon", driftd::cli::run_alerts},
    {"history", "one measure of one feature over time", driftd::cli::run_history},
    {"status", "a daemon's readiness and streams, or a database's streams",
     driftd::cli::run_status},
    {"backup", "a consistent copy of a driftd database, safe while it runs",
     driftd::cli::run_backup},
    {"subscriptions", "add, list, remove webhook subscriptions; their delivery attempts",
     driftd::cli::run_subscriptions, true},
};

void print_usage(std::FILE* out) {
  std::fputs("usage: driftctl <command> [options]   (driftctl <command> --help)\n\ncommands:\n",
             out);
  for (const Subcommand& command : kSubcommands) {
    std::fprintf(out, "  %-12.*s %.*s\n", static_cast<int>(command.name.size()),
                 command.name.data(), static_cast<int>(command.summary.size()),
                 command.summary.data());
  }
}

// What an error line names: the command, and its action when it has one.
std::string command_label(const Subcommand& command, int argc, char** argv) {
  std::string label(command.name);
  if (command.has_actions && argc > 2 && argv[2][0] != '-') label += std::string(" ") + argv[2];
  return label;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return driftd::cli::kExitUsage;
  }
  const std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(stdout);
    return driftd::cli::kExitOk;
  }
  for (const Subcommand& command : kSubcommands) {
    if (command.name != name) continue;
    const std::string label = command_label(command, argc, argv);
    try {
      return command.run(argc - 1, argv + 1);
    } catch (const driftd::cli::UsageError& error) {
      std::fprintf(stderr, "driftctl %s: %s\n", label.c_str(), error.what());
    } catch (const driftd::InputError& error) {
      std::fprintf(stderr, "driftctl %s: %s\n", label.c_str(), error.what());
    } catch (const boost::program_options::error& error) {
      std::fprintf(stderr, "driftctl %s: %s\n", label.c_str(), error.what());
    } catch (const driftd::store::SqliteError& error) {
      std::fprintf(stderr, "driftctl %s: %s\n", label.c_str(), error.what());
    }
    return driftd::cli::kExitUsage;
  }
  std::fprintf(stderr, "driftctl: unknown command '%s' (driftctl --help lists them)\n", argv[1]);
  return driftd::cli::kExitUsage;
}
