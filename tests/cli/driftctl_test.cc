// driftctl run as a subprocess: outputs, exit codes and error messages.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "driftctl_process.h"

namespace {

using driftd::test::run_driftctl;
using driftd::test::RunResult;
using driftd::test::write_file;

const std::string kExamples = std::string(DRIFTD_SOURCE_DIR) + "/examples/";

TEST_CASE("divergence gives the seed example of metrics.md") {
  const RunResult result =
      run_driftctl("divergence --p 0.5,0.25,0.25 --q 0.4,0.4,0.2 --format json");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["kl_pq"].get<double>() == Approx(0.04986).epsilon(1e-4));
  CHECK(json["psi"].get<double>() ==
        Approx(json["kl_pq"].get<double>() + json["kl_qp"].get<double>()));
  CHECK_FALSE(json.contains("p_value"));
}

TEST_CASE("divergence with counts adds the G-test and smoothing") {
  const RunResult result =
      run_driftctl("divergence --counts --p 50,25,25 --q 40,40,20 --smoothing 0 --format json");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["kl_pq"].get<double>() == Approx(0.04986).epsilon(1e-4));
  CHECK(json["dof"].get<int>() == 2);
  CHECK(json["n_p"].get<int>() == 100);
  CHECK(json["p_value"].get<double>() > 0.0);
  CHECK(json["p_value"].get<double>() < 1.0);
}

TEST_CASE("divergence reports an infinite KL as null and lists it") {
  const RunResult result =
      run_driftctl("divergence --counts --p 1,1 --q 2,0 --smoothing 0 --format json");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json["kl_pq"].is_null());
  CHECK(json["infinite"].size() >= 1);
  CHECK(json["infinite"][0] == "kl_pq");
}

TEST_CASE("divergence table prints one line per measure") {
  const RunResult result = run_driftctl("divergence --p 0.5,0.5 --q 0.5,0.5");
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.find("kl_pq") != std::string::npos);
  CHECK(result.out.find("hellinger") != std::string::npos);
}

TEST_CASE("divergence bad arguments are one line naming the problem and exit 2") {
  struct Case {
    const char* arguments;
    const char* message;
  };
  const Case cases[] = {
      {"--p 0.5,0.5 --q 0.2,0.3,0.5", "different lengths"},
      {"--p 0.5,abc --q 0.5,0.5", "--p: item 2 ('abc') is not a finite number"},
      {"--p 1.5,-0.5 --q 0.5,0.5", "--p: item 2 (-0.5) is negative"},
      {"--counts --p 0,0 --q 1,2", "all zero"},
      {"--counts --p 1.5,2 --q 1,2", "--p: item 1 (1.5) is not a whole count"},
      {"--p 0.5,0.5 --q 0.5,0.5 --smoothing 1", "--smoothing applies to --counts only"},
      {"--q 0.5,0.5", "--p is required"},
      {"--p 0.5,0.5 --q 0.5,0.5 --format xml", "--format: must be 'table' or 'json'"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const RunResult result = run_driftctl(std::string("divergence ") + c.arguments);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(c.message) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}

TEST_CASE("compare flags the drifted example columns and only those") {
  const RunResult result = run_driftctl("compare --reference " + kExamples +
                                        "reference.csv --current " + kExamples +
                                        "current.csv --format json");
  REQUIRE(result.exit_code == 0);
  const auto features = nlohmann::json::parse(result.out)["features"];
  CHECK(features["amount"]["drift"] == true);
  CHECK(features["country"]["drift"] == true);
  CHECK(features["latency_ms"]["drift"] == false);
  CHECK(features["device"]["drift"] == false);
  CHECK(features["amount"]["type"] == "numeric");
  CHECK(features["country"]["type"] == "categorical");
  CHECK(features["country"]["top_bins"][0]["label"] == "BR");
  CHECK(features["amount"]["missing_ref"].get<int>() > 0);
  CHECK(features["amount"]["n_ref"].get<int>() + features["amount"]["missing_ref"].get<int>() ==
        5000);
}

TEST_CASE("compare --metric takes the value-scale distances, Evidently's thresholds among them") {
  const std::string args = "compare --reference " + kExamples + "reference.csv --current " +
                           kExamples + "current.csv --format json --max-p-value 1";
  const RunResult result = run_driftctl(args + " --metric wasserstein_normed --threshold 0.1");
  REQUIRE(result.exit_code == 0);
  const auto features = nlohmann::json::parse(result.out)["features"];
  // amount moved by about half a standard deviation, latency_ms by 0.04.
  CHECK(features["amount"]["value_scale"]["wasserstein_normed"].get<double>() > 0.5);
  CHECK(features["amount"]["drift"] == true);
  CHECK(features["latency_ms"]["value_scale"]["wasserstein_normed"].get<double>() < 0.1);
  CHECK(features["latency_ms"]["drift"] == false);
  CHECK(features["country"]["drift"] == false);  // categorical: no value scale
  CHECK(nlohmann::json::parse(run_driftctl(args + " --metric ks --threshold 0.1").out)["features"]
                                ["amount"]["drift"] == true);
}

TEST_CASE("compare table sorts by drift and exits 1 with --fail-on-drift") {
  const RunResult result = run_driftctl("compare --reference " + kExamples +
                                        "reference.csv --current " + kExamples +
                                        "current.csv --fail-on-drift");
  CHECK(result.exit_code == 1);
  const auto first_line_end = result.out.find('\n');
  const std::string first_row = result.out.substr(first_line_end + 1, result.out.find('\n', first_line_end + 1) - first_line_end);
  CHECK(first_row.rfind("DRIFT", 0) == 0);
}

TEST_CASE("compare reads NDJSON as well as CSV") {
  const std::string ref = write_file("ref.ndjson",
                                     "{\"x\": 1, \"c\": \"a\"}\n{\"x\": 2, \"c\": \"b\"}\n"
                                     "{\"x\": 3, \"c\": \"a\"}\n{\"x\": null, \"c\": \"b\"}\n");
  const std::string cur = write_file("cur.ndjson", "{\"x\": 1.5, \"c\": \"a\"}\n{\"c\": \"z\"}\n");
  const RunResult result =
      run_driftctl("compare --reference " + ref + " --current " + cur + " --bins 2 --format json");
  REQUIRE(result.exit_code == 0);
  const auto features = nlohmann::json::parse(result.out)["features"];
  CHECK(features["x"]["missing_ref"] == 1);
  CHECK(features["x"]["missing_cur"] == 1);
  CHECK(features["x"]["n_cur"] == 1);
  CHECK(features["c"]["type"] == "categorical");
}

TEST_CASE("compare bad input is one line naming the file or argument and exit 2") {
  const std::string good = write_file("good.csv", "a,b\n1,x\n2,y\n");
  const std::string empty = write_file("empty.csv", "");
  const std::string ragged = write_file("ragged.csv", "a,b\n1,x\n2\n");
  const std::string other = write_file("other.csv", "a,c\n1,x\n");
  const std::string all_missing = write_file("missing.csv", "a,b\n,x\n,y\n");
  struct Case {
    std::string arguments;
    std::string message;
  };
  const Case cases[] = {
      {"--reference " + good + " --current " + empty, empty + ": empty file"},
      {"--reference " + good + " --current " + ragged,
       ragged + ":3: row has 1 fields, the header has 2"},
      {"--reference " + good + " --current " + other, other + ": no column 'b'"},
      {"--reference " + good + " --current " + good + " --columns a,zz",
       good + ": no column 'zz'"},
      {"--reference " + good + " --current " + all_missing + " --columns a",
       "column 'a': every current value is missing"},
      {"--reference " + good + " --current /nonexistent.csv", "/nonexistent.csv: cannot open file"},
      {"--reference " + good + " --current " + good + " --bins 0",
       "--bins: must be an integer between 1 and 4096, got 0"},
      {"--reference " + good + " --current " + good + " --binning fancy", "--binning: must be"},
      {"--current " + good, "--reference is required"},
      {"--reference " + good + " --current " + good + " --metric nope --threshold 1",
       "--metric: unknown measure 'nope'"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const RunResult result = run_driftctl("compare " + c.arguments);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find(c.message) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}

TEST_CASE("compare --pairs, --groups and --ridge: a bad selection is one line naming the option") {
  const std::string ref = write_file("joint_ref.csv", "a,b,c,d\n1,x,4,7\n2,y,5,8\n3,x,7,9\n");
  const std::string cur = write_file("joint_cur.csv", "a,b,c\n1,x,4\n2,y,6\n3,y,7\n");
  const std::string no_pair = write_file("joint_no_pair.csv", "a,b,c\n1,,4\n,y,5\n3,,7\n");
  const std::string files = "--reference " + ref + " --current " + cur + " --columns a";
  struct Case {
    std::string arguments;
    std::string message;
  };
  const Case cases[] = {
      {files + " --pairs a", "--pairs: 'a' is not of the form x:y"},
      {files + " --pairs a:b,a:b:c", "--pairs: 'a:b:c' is not of the form x:y"},
      {files + " --pairs a:a", "--pairs: 'a:a' names column 'a' twice"},
      {files + " --pairs a:zz", "--pairs: 'a:zz': " + ref + " has no column 'zz'"},
      {files + " --pairs b:c --pairs d:a", "--pairs: 'd:a': " + cur + " has no column 'd'"},
      {files + " --groups a", "--groups: 'a' has 1 column; a group needs at least 2"},
      {files + " --groups a,c,a", "--groups: 'a,c,a' names column 'a' twice"},
      {files + " --groups a,c --groups a,b",
       "--groups: 'a,b': column 'b' is categorical; a group takes numeric columns"},
      {files + " --groups a,zz", "--groups: 'a,zz': " + ref + " has no column 'zz'"},
      {files + " --groups a,c --ridge 1.5", "--ridge: must be a number from 0 to 1"},
      {"--reference " + no_pair + " --current " + cur + " --columns c --pairs a:b",
       "pair 'a:b': no reference row has both values"},
  };
  for (const Case& c : cases) {
    INFO(c.arguments);
    const RunResult result = run_driftctl("compare " + c.arguments);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK(result.err.find(c.message) != std::string::npos);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
  }
}

TEST_CASE("compare without --pairs and --groups prints only the columns, --columns limits only them") {
  const std::string files =
      "compare --reference " + kExamples + "reference.csv --current " + kExamples + "current.csv";
  const RunResult plain = run_driftctl(files + " --format json");
  REQUIRE(plain.exit_code == 0);
  const auto plain_json = nlohmann::ordered_json::parse(plain.out);
  std::vector<std::string> keys;
  for (const auto& item : plain_json.items()) keys.push_back(item.key());
  CHECK(keys == std::vector<std::string>{"reference", "current", "smoothing", "binning", "units",
                                         "reads", "features", "skipped"});

  const std::string joint = " --columns device --pairs amount:country --groups amount,latency_ms";
  const RunResult with_joint = run_driftctl(files + joint + " --format json");
  REQUIRE(with_joint.exit_code == 0);
  const auto json = nlohmann::json::parse(with_joint.out);
  CHECK(json["features"].size() == 1);
  CHECK(json["features"]["device"] == nlohmann::json(plain_json["features"]["device"]));
  REQUIRE(json["pairs"].size() == 1);
  CHECK(json["pairs"][0]["name"] == "amount:country");
  CHECK(json["pairs"][0]["n"].get<int>() + json["pairs"][0]["incomplete"].get<int>() == 5000);
  CHECK(json["pairs"][0]["given_x"]["marginal"].get<double>() > 0.0);
  REQUIRE(json["groups"].size() == 1);
  CHECK(json["groups"][0]["features"] == nlohmann::json{"amount", "latency_ms"});
  CHECK(json["groups"][0]["gaussian"]["location"].get<double>() > 0.0);
  CHECK(json["ridge"] == 0.0);

  // The table: the columns' section as without the options, then one per kind.
  const RunResult table = run_driftctl(files + " --columns device");
  const RunResult joint_table = run_driftctl(files + joint);
  REQUIRE(table.exit_code == 0);
  REQUIRE(joint_table.exit_code == 0);
  CHECK(joint_table.out.rfind(table.out, 0) == 0);
  const std::string sections = joint_table.out.substr(table.out.size());
  CHECK(sections.find("\namount:country ") != std::string::npos);
  CHECK(sections.find("\namount,latency_ms ") != std::string::npos);
}

TEST_CASE("compare: a pair without complete current rows, a group with too few, say so") {
  const std::string ref =
      write_file("sparse_ref.csv", "a,b,c\n1,x,4\n2,y,5\n3,x,7\n4,y,6\n5,x,9\n");
  const std::string cur = write_file("sparse_cur.csv", "a,b,c\n1,,4\n,y,5\n3,x,\n");
  const std::string command =
      "compare --reference " + ref + " --current " + cur + " --columns b --pairs a:b --groups a,c";
  const RunResult result = run_driftctl(command + " --format json");
  REQUIRE(result.exit_code == 0);
  const auto json = nlohmann::json::parse(result.out);
  const auto& pair = json["pairs"][0];
  CHECK(pair["n"] == 1);
  CHECK(pair["incomplete"] == 2);
  CHECK(pair["n_ref"] == 5);
  CHECK(pair["joint"].is_object());
  const auto& group = json["groups"][0];
  CHECK(group["n"] == 1);
  CHECK(group["incomplete"] == 2);
  CHECK(group["gaussian"]["problem"] == "too_few_rows");
  CHECK(group["box_m"]["problem"] == "too_few_rows");
  CHECK(group["t2"]["p_value"].is_number());  // the pooled covariance suffices

  const std::string empty = write_file("sparse_empty.csv", "a,b,c\n1,,4\n,y,5\n");
  const RunResult none = run_driftctl("compare --reference " + ref + " --current " + empty +
                                      " --columns b --pairs a:b --format json");
  REQUIRE(none.exit_code == 0);
  const auto none_pair = nlohmann::json::parse(none.out)["pairs"][0];
  CHECK(none_pair["n"] == 0);
  CHECK(none_pair["joint"].is_null());
  CHECK(none_pair["given_x"].is_null());

  const RunResult table = run_driftctl(command);
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("a,c: gaussian: ") != std::string::npos);
}

// A file of `rows` rows: an increasing id, a date, a user id of its own per
// row, a numeric and a categorical feature (the current's shifted).
std::string skip_fixture(const std::string& name, int rows, int offset) {
  std::string text = "id,day,user,x,c\n";
  for (int i = 0; i < rows; ++i) {
    const int day = 1 + (i + offset) % 28;
    text += std::to_string(i + offset) + ",2024-0" + std::to_string(offset ? 6 : 1) + "-" +
            (day < 10 ? "0" : "") + std::to_string(day) + ",u" + std::to_string(i + offset) + "," +
            std::to_string((i * 7919 + offset) % 1000) + "," + (i % 3 ? "a" : "b") + "\n";
  }
  return write_file(name, text);
}

TEST_CASE("compare skips date-like and ID-like columns by default, and says why") {
  const std::string ref = skip_fixture("skip_ref.csv", 2000, 0);
  const std::string cur = skip_fixture("skip_cur.csv", 2000, 5000);
  const RunResult result =
      run_driftctl("compare --reference " + ref + " --current " + cur + " --format json");
  REQUIRE(result.exit_code == 0);
  const auto out = nlohmann::json::parse(result.out);
  CHECK(out["features"].size() == 2);
  CHECK(out["features"].contains("x"));
  CHECK(out["features"].contains("c"));
  CHECK(out["skipped"]["id"] == "ID-like: 2000 integers, increasing row by row");
  CHECK(out["skipped"]["day"] == "date-like: every value is a date or a date-time");
  CHECK(out["skipped"]["user"] == "ID-like: 2000 distinct values in 2000 present");
  const RunResult table = run_driftctl("compare --reference " + ref + " --current " + cur);
  CHECK(table.out.find("Not compared") != std::string::npos);
  CHECK(table.out.find("date-like") != std::string::npos);

  // Named, a date column is compared as categories: no date in common.
  const RunResult named = run_driftctl("compare --reference " + ref + " --current " + cur +
                                       " --columns day,x --format json");
  REQUIRE(named.exit_code == 0);
  const auto features = nlohmann::json::parse(named.out)["features"];
  CHECK(features["day"]["type"] == "categorical");
  CHECK(features["day"]["jsd"].get<double>() > 0.6);

  const RunResult excluded = run_driftctl("compare --reference " + ref + " --current " + cur +
                                          " --exclude c,user --format json");
  REQUIRE(excluded.exit_code == 0);
  const auto rest = nlohmann::json::parse(excluded.out);
  CHECK(rest["features"].size() == 1);
  CHECK_FALSE(rest["skipped"].contains("user"));
  CHECK(run_driftctl("compare --reference " + ref + " --current " + cur + " --exclude nope").err ==
        "driftctl compare: --exclude: " + ref + " has no column 'nope'\n");
}

TEST_CASE("compare JSON holds both histograms, and --units bits divides nats by ln 2") {
  const std::string args = "compare --reference " + kExamples + "reference.csv --current " +
                           kExamples + "current.csv --format json";
  const RunResult nats = run_driftctl(args);
  const RunResult bits = run_driftctl(args + " --units bits");
  REQUIRE(nats.exit_code == 0);
  REQUIRE(bits.exit_code == 0);
  const auto n = nlohmann::json::parse(nats.out);
  const auto b = nlohmann::json::parse(bits.out);
  CHECK(n["units"] == "nats");
  CHECK(b["units"] == "bits");
  const auto& amount = n["features"]["amount"];
  const auto& histogram = amount["histogram"];
  CHECK(histogram["edges"].size() + 1 == amount["bins"].get<std::size_t>());
  uint64_t ref_total = 0, cur_total = 0;
  for (const auto& count : histogram["reference"]) ref_total += count.get<uint64_t>();
  for (const auto& count : histogram["current"]) cur_total += count.get<uint64_t>();
  CHECK(ref_total == amount["n_ref"].get<uint64_t>());
  CHECK(cur_total == amount["n_cur"].get<uint64_t>());
  CHECK(n["features"]["country"]["histogram"]["categories"][0].is_string());
  for (const char* key : {"kl_pq", "kl_qp", "jsd", "psi", "entropy_p", "jsd_corrected"}) {
    CHECK(b["features"]["amount"][key].get<double>() ==
          Approx(amount[key].get<double>() / std::log(2.0)).epsilon(1e-12));
  }
  CHECK(b["features"]["amount"]["tv"] == amount["tv"]);
  CHECK(b["features"]["amount"]["p_value"] == amount["p_value"]);
}

TEST_CASE("compare --help shows every option's default") {
  const RunResult help = run_driftctl("compare --help");
  REQUIRE(help.exit_code == 0);
  for (const char* option : {"--columns", "--exclude", "--bins", "--binning", "--max-categories",
                             "--smoothing", "--top", "--metric", "--threshold", "--max-p-value",
                             "--fail-on-drift", "--units", "--format", "--threads", "--memory",
                             "--pairs", "--groups", "--ridge"}) {
    const auto at = help.out.find(std::string("  ") + option + " ");
    REQUIRE(at != std::string::npos);
    const std::string line = help.out.substr(at, help.out.find('\n', at) - at);
    CHECK(line.find('[') != std::string::npos);
  }
}

TEST_CASE("compare gives the same JSON whatever the number of threads") {
  const std::string args = "compare --reference " + kExamples + "reference.csv --current " +
                           kExamples + "current.csv --format json --pairs amount:country";
  const RunResult one = run_driftctl(args + " --threads 1");
  REQUIRE(one.exit_code == 0);
  CHECK(run_driftctl(args + " --threads 3").out == one.out);
}

TEST_CASE("an unknown command or option is an error with exit 2") {
  CHECK(run_driftctl("frobnicate").exit_code == 2);
  const RunResult result = run_driftctl("compare --bogus 1");
  CHECK(result.exit_code == 2);
  CHECK(result.err.find("bogus") != std::string::npos);
}

}  // namespace
