// `driftctl reference import` and `promote` run as a person would, against a
// real SQLite file: what they store, what they print, and their refusals
// (one line on stderr, exit 2).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/config_parser.h"
#include "driftctl_process.h"
#include "pipeline/file_reference.h"
#include "store/sqlite.h"
#include "tests/store/window_row_fixture.h"

namespace driftd::test {
namespace {

// Latency by hand: (-inf,100) 50 90 99; [100,200) 150 120 199 100;
// [200,+inf) 250 300 200; missing: "abc" and the empty field.
// Country with max_categories 2: US 5, DE 3, __other__ (FR 2, BR 1) 3; one missing.
constexpr const char* kCsv =
    "amount,latency,country\n"
    "1,50,US\n2,150,US\n3,250,DE\n4,120,FR\n,abc,US\n6,90,DE\n"
    "7,300,BR\n8,199,US\n9,200,\n10,100,US\n11,99,DE\n12,,FR\n";

struct Setup {
  std::string csv;
  std::string config;
  std::string db;
};

// A config whose storage.path is this test's own database.
Setup setup(const std::string& name) {
  Setup s;
  s.db = (scratch_dir() / (name + ".db")).string();
  std::filesystem::remove(s.db);
  s.csv = write_file(name + ".csv", kCsv);
  s.config = write_file(name + ".json", R"({
    "storage": {"path": ")" + s.db + R"("},
    "streams": [{
      "name": "demo",
      "source": {"type": "http"},
      "window": {"type": "count", "events": 100},
      "reference": {"type": "capture"},
      "features": [
        {"name": "amount", "path": "/amount", "type": "numeric", "bins": 4},
        {"name": "latency", "path": "/latency", "type": "numeric", "binning": "edges",
         "edges": [100, 200]},
        {"name": "country", "path": "/country", "type": "categorical", "max_categories": 2}
      ]
    }]
  })");
  return s;
}

// The same stream in cluster mode (a Kafka source, time windows), with a
// broker that never answers: the path of the config written.
std::string cluster_config(const Setup& s, const std::string& name) {
  nlohmann::json config = nlohmann::json::parse(std::ifstream(s.config));
  config["kafka"] = {{"brokers", "127.0.0.1:1"}, {"group_id", "g"}, {"instance_id", "i"}};
  config["cluster"] = nlohmann::json::object();
  nlohmann::json& stream = config["streams"][0];
  stream["source"] = {{"type", "kafka"}, {"topic", "t"}};
  stream["window"] = {{"type", "tumbling"}, {"size", "1m"}};
  return write_file(name + ".json", config.dump());
}

std::string import_arguments(const Setup& s) {
  return "reference import --config " + s.config + " --stream demo --file " + s.csv +
         " --format json";
}

nlohmann::json import_json(const Setup& s) {
  const RunResult result = run_driftctl(import_arguments(s));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

nlohmann::json show_json(const std::string& db, const std::string& feature) {
  const RunResult result = run_driftctl("reference show --db " + db +
                                        " --stream demo --format json --feature " + feature);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  return nlohmann::json::parse(result.out);
}

std::vector<uint64_t> counts_of(const nlohmann::json& shown) {
  std::vector<uint64_t> counts;
  for (const auto& bin : shown["bins"]) counts.push_back(bin["count"].get<uint64_t>());
  return counts;
}

std::vector<std::string> labels_of(const nlohmann::json& shown) {
  std::vector<std::string> labels;
  for (const auto& bin : shown["bins"]) labels.push_back(bin["label"].get<std::string>());
  return labels;
}

void check_refused(const RunResult& result, const std::string& line) {
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(result.err == line + "\n");
}

TEST_CASE("reference import stores what the daemon builds for a file reference") {
  const Setup s = setup("import_same");
  const nlohmann::json imported = import_json(s);
  CHECK(imported["db"] == s.db);
  CHECK(imported["origin"] == "import:" + s.csv);

  // The daemon's "reference": {"type": "file"} path, in process.
  const config::Config config = config::load_config_file(s.config);
  const std::vector<FeatureReference> daemon =
      references_from_file(config.streams[0], s.csv).features;
  for (std::size_t f = 0; f < daemon.size(); ++f) {
    const std::string& name = config.streams[0].features[f].name;
    INFO(name);
    const nlohmann::json shown = show_json(s.db, name);
    CHECK(shown["version"] == 1);
    CHECK(shown["active"] == true);
    CHECK(counts_of(shown) == daemon[f].counts);
    CHECK(shown["missing"] == daemon[f].missing);
    std::vector<std::string> labels;
    for (std::size_t bin = 0; bin < daemon[f].bins.bin_count(); ++bin) {
      labels.push_back(daemon[f].bins.label(bin));
    }
    CHECK(labels_of(shown) == labels);
    CHECK(imported["references"][f]["n"] == daemon[f].n());
    CHECK(imported["references"][f]["bins"] == daemon[f].bins.bin_count());
  }
  // And by hand, so the shared code is checked too.
  const nlohmann::json latency = show_json(s.db, "latency");
  CHECK(counts_of(latency) == std::vector<uint64_t>{3, 4, 3});
  CHECK(latency["missing"] == 2);
  const nlohmann::json country = show_json(s.db, "country");
  CHECK(labels_of(country) == std::vector<std::string>{"US", "DE", "__other__"});
  CHECK(counts_of(country) == std::vector<uint64_t>{5, 3, 3});
  CHECK(country["missing"] == 1);
  CHECK(show_json(s.db, "amount")["n"] == 11);
}

TEST_CASE("reference import again makes a new active version and keeps the old inactive") {
  const Setup s = setup("import_twice");
  CHECK(import_json(s)["references"][0]["version"] == 1);
  const std::string other_db = (scratch_dir() / "import_twice_override.db").string();
  std::filesystem::remove(other_db);
  const RunResult table = run_driftctl("reference import --config " + s.config +
                                       " --stream demo --file " + s.csv + " --db " + s.db);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("next restart") != std::string::npos);

  const RunResult listed = run_driftctl("reference list --format json --db " + s.db);
  REQUIRE(listed.exit_code == 0);
  const nlohmann::json rows = nlohmann::json::parse(listed.out);
  REQUIRE(rows.size() == 6);  // three features, two versions each
  for (const auto& row : rows) {
    INFO(row.dump());
    CHECK(row["active"] == (row["version"] == 2));
    CHECK(row["origin"] == "import:" + s.csv);
  }

  // --db wins over storage.path.
  const RunResult overridden = run_driftctl("reference import --config " + s.config +
                                            " --stream demo --file " + s.csv + " --db " +
                                            other_db + " --format json");
  REQUIRE(overridden.exit_code == 0);
  CHECK(nlohmann::json::parse(overridden.out)["references"][0]["version"] == 1);
  CHECK(show_json(s.db, "amount")["version"] == 2);
}

TEST_CASE("reference import waits for a writer that holds the database as driftd does") {
  const Setup s = setup("import_waits");
  import_json(s);
  store::Database daemon(s.db, store::Database::Mode::kReadWrite);
  auto transaction = std::make_unique<store::Transaction>(daemon);  // the write lock
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    transaction->commit();
  });
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = run_driftctl(import_arguments(s));
  const auto waited = std::chrono::steady_clock::now() - started;
  release.join();
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(nlohmann::json::parse(result.out)["references"][0]["version"] == 2);
  CHECK(waited >= std::chrono::milliseconds(400));
}

TEST_CASE("reference import bad input is one line and exit 2") {
  const Setup s = setup("import_bad");
  const std::string no_column = write_file("import_bad_no_column.csv", "amount,latency\n1,2\n");
  const std::string import = "reference import --config " + s.config + " --stream demo";
  check_refused(run_driftctl(import + " --file " + no_column),
                "driftctl reference import: " + no_column + ": no column 'country'");
  check_refused(run_driftctl("reference import --config " + s.config + " --stream other --file " +
                             s.csv),
                "driftctl reference import: " + s.config + ": no stream 'other' (streams: demo)");
  check_refused(run_driftctl(import), "driftctl reference import: --file is required (a CSV or "
                                      "NDJSON file)");
  check_refused(run_driftctl(import + " --file /nonexistent.csv"),
                "driftctl reference import: /nonexistent.csv: cannot open file");
  // Cluster mode publishes a switch to the references topic: a broker that
  // does not answer is one line, and the database is not made.
  const std::string cluster = cluster_config(s, "import_bad_cluster");
  const RunResult unreachable =
      run_driftctl("reference import --config " + cluster + " --stream demo --file " + s.csv);
  CHECK(unreachable.exit_code == 2);
  CHECK(unreachable.out.empty());
  CHECK(unreachable.err.ends_with("driftctl reference import: kafka: references topic "
                                  "g.references not read to its end within 10000 ms\n"));
  CHECK_FALSE(std::filesystem::exists(s.db));  // nothing was created
}

// Imports version 1, then records window 5000 against it: amount over its 4
// quantile bins, latency, country.
Setup with_window(const std::string& name) {
  Setup s = setup(name);
  import_json(s);
  store::Database db(s.db, store::Database::Mode::kReadWrite);
  insert_window_row(db, "demo", "amount", 5000, {0, 9, 1, 30}, 4, 2);
  insert_window_row(db, "demo", "latency", 5000, {7, 0, 33}, 0, 0);
  insert_window_row(db, "demo", "country", 5000, {1, 2, 37}, 3, 0);
  return s;
}

TEST_CASE("reference promote stores the window's counts as the new active version") {
  const Setup s = with_window("promote_counts");
  const RunResult result =
      run_driftctl("reference promote --db " + s.db + " --stream demo --window-start 5000 "
                   "--format json");
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json promoted = nlohmann::json::parse(result.out);
  CHECK(promoted["origin"] == "window:5000");
  REQUIRE(promoted["references"].size() == 3);
  const nlohmann::json& amount = promoted["references"][0];
  CHECK(amount["version"] == 2);
  CHECK(amount["previous_version"] == 1);
  CHECK(amount["n"] == 40);
  CHECK(amount["missing"] == 4);
  CHECK(amount.contains("gaussian_moments"));
  CHECK_FALSE(promoted["references"][2].contains("gaussian_moments"));  // categorical

  const nlohmann::json shown = show_json(s.db, "amount");
  CHECK(shown["version"] == 2);
  CHECK(counts_of(shown) == std::vector<uint64_t>{0, 9, 1, 30});
  CHECK_FALSE(shown.contains("moments"));
  CHECK(counts_of(show_json(s.db, "latency")) == std::vector<uint64_t>{7, 0, 33});
  const nlohmann::json country = show_json(s.db, "country");
  CHECK(counts_of(country) == std::vector<uint64_t>{1, 2, 37});
  CHECK(labels_of(country) == std::vector<std::string>{"US", "DE", "__other__"});
  CHECK(country["missing"] == 3);

  const RunResult table = run_driftctl("reference promote --db " + s.db +
                                       " --stream demo --window-start 5000 --feature country");
  CHECK(table.exit_code == 2);  // the window was compared with version 1; 2 is active now
}

TEST_CASE("reference promote refusals are one line and exit 2") {
  const Setup s = with_window("promote_refusals");
  const std::string promote = "reference promote --db " + s.db + " --stream demo";
  const std::string prefix = "driftctl reference promote: ";
  check_refused(run_driftctl(promote + " --window-start 6000"),
                prefix + "stream 'demo' has no closed window starting at 6000 for feature "
                         "'amount'");
  check_refused(run_driftctl(promote + " --window-start 5000 --feature latency --feature colour"),
                prefix + "stream 'demo' has no feature 'colour' (its features: amount, latency, "
                         "country)");
  check_refused(run_driftctl(promote), prefix + "--window-start is required");
  check_refused(run_driftctl("reference promote --db /nonexistent.db --stream demo "
                             "--window-start 5000"),
                prefix + "no database at /nonexistent.db");

  check_refused(run_driftctl(promote + " --window-start 5000 --from 7000"),
                prefix + "--from needs --config (the cluster's configuration)");
  check_refused(run_driftctl("reference promote --config " + s.config +
                             " --stream demo --window-start 5000 --from 7000"),
                prefix + "--from applies to cluster mode only (a config with a cluster section)");

  // Cluster mode: the window is read from the instance's database, and the
  // promotion goes to the references topic or nowhere.
  const std::string cluster = cluster_config(s, "promote_cluster");
  check_refused(run_driftctl("reference promote --config " + cluster +
                             " --stream demo --window-start 5000 --from x"),
                prefix + "--from x: not a time in milliseconds since the epoch");
  const RunResult unreachable = run_driftctl("reference promote --config " + cluster +
                                             " --stream demo --window-start 5000");
  CHECK(unreachable.exit_code == 2);
  CHECK(unreachable.err.ends_with("driftctl reference promote: kafka: references topic "
                                  "g.references not read to its end within 10000 ms\n"));
  CHECK(show_json(s.db, "latency")["version"] == 1);  // nothing stored here

  // A newer import makes the window's reference stale.
  import_json(s);
  check_refused(run_driftctl(promote + " --window-start 5000 --feature latency"),
                prefix + "the window starting at 5000 of feature 'latency' was compared with "
                         "reference version 1, which is no longer active (version 2 is)");
  CHECK(show_json(s.db, "latency")["version"] == 2);
  CHECK(counts_of(show_json(s.db, "latency")) == std::vector<uint64_t>{3, 4, 3});
}

}  // namespace
}  // namespace driftd::test
