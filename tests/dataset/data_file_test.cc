#include "dataset/data_file.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "common/error.h"
#include "scan_test_support.h"

namespace driftd {
namespace {

using testing::write_file;

TEST_CASE("DataFile maps the whole file and picks the format by extension, else by content") {
  const DataFile csv = DataFile::open(write_file("f.csv", "{\"a\": 1}\n"));
  CHECK(csv.format() == FileFormat::kCsv);
  CHECK(csv.bytes() == "{\"a\": 1}\n");
  for (const std::string name : {"f.ndjson", "f.jsonl", "f.json"}) {
    CHECK(DataFile::open(write_file(name, "a,b\n")).format() == FileFormat::kNdjson);
  }
  CHECK(DataFile::open(write_file("sniff.txt", " \n {\"a\": 1}")).format() == FileFormat::kNdjson);
  CHECK(DataFile::open(write_file("sniff2.txt", "a,{\n")).format() == FileFormat::kCsv);
  CHECK(DataFile::open(write_file("sniff3.txt", " \n")).format() == FileFormat::kCsv);
}

TEST_CASE("DataFile errors name the file") {
  CHECK_THROWS_WITH(DataFile::open("/nonexistent/x.csv"), "/nonexistent/x.csv: cannot open file");
  const auto empty_csv = write_file("empty.csv", "");
  CHECK_THROWS_WITH(DataFile::open(empty_csv), empty_csv.string() + ": empty file (expected a header row)");
  const auto empty_json = write_file("empty.ndjson", "");
  CHECK_THROWS_WITH(DataFile::open(empty_json), empty_json.string() + ": empty file (no JSON records)");
  const auto limited = write_file("limited.csv", "x\n1\n2\n");
  CHECK(DataFile::open(limited, 6).bytes().size() == 6);
  CHECK_THROWS_WITH(DataFile::open(limited, 5), limited.string() + ": 6 bytes, more than the limit of 5");
  CHECK_THROWS_WITH(DataFile::open("/dev/zero", 1 << 20),
                    "/dev/zero: not a regular file (a device or a pipe has no size to check "
                    "against the limit of 1048576 bytes)");
}

TEST_CASE("DataFile reads a pipe whole when no size limit applies, and survives moves") {
  const auto fifo = testing::test_path("pipe");
  std::filesystem::create_directories(fifo.parent_path());
  std::filesystem::remove(fifo);
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  std::thread writer([&] { std::ofstream(fifo) << "{\"a\":1}\n"; });
  DataFile file = DataFile::open(fifo);
  writer.join();
  DataFile moved = std::move(file);  // small contents: a string's own storage
  CHECK(moved.bytes() == "{\"a\":1}\n");
  CHECK(moved.format() == FileFormat::kNdjson);
  CHECK(moved.path() == fifo);
  moved.release(0, moved.bytes().size());  // no mapping: nothing to do
  CHECK(moved.bytes() == "{\"a\":1}\n");
  std::filesystem::remove(fifo);
}

TEST_CASE("DataFile::release gives pages back without changing what is read") {
  std::string text(1 << 20, 'x');
  for (std::size_t i = 0; i < text.size(); i += 100) text[i] = '\n';
  const DataFile file = DataFile::open(write_file("release.csv", text));
  file.release(1, text.size() - 2);
  file.release(0, text.size());
  CHECK(file.bytes() == text);
}

}  // namespace
}  // namespace driftd
