#include "cli/subscriptions_command.h"

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "cli/cli_error.h"
#include "cli/command_line.h"
#include "cli/history_source.h"

namespace driftd::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: driftctl subscriptions add --url URL --target WEBHOOK_URL --secret S\n"
    "                                  [--stream S ...] [--feature F ...]\n"
    "                                  [--severity warn|critical ...] [--state firing|resolved ...]\n"
    "       driftctl subscriptions list --url URL [--format table|json]\n"
    "       driftctl subscriptions rm --url URL --id N\n"
    "       driftctl subscriptions attempts --url URL --id N [--limit N] [--format table|json]\n"
    "\n"
    "--url is the daemon (http://127.0.0.1:8080), --target the receiver of the\n"
    "webhooks. --secret (16+ characters) keys the HMAC-SHA256 signature of each\n"
    "delivery. --token or $DRIFTD_TOKEN when the daemon requires one; for an\n"
    "https:// daemon, --cacert FILE or $DRIFTD_CACERT (else the system store).\n";

void print_list(const nlohmann::ordered_json& subscriptions) {
  std::printf("%4s  %-40s %8s %9s  %s\n", "id", "target", "pending", "delivered", "filters / trouble");
  for (const auto& s : subscriptions) {
    std::string note = s["filters"].dump();
    if (s.contains("head") && !s["head"]["last_error"].is_null()) {
      note += "  retrying (" + std::to_string(s["head"]["attempts"].get<int64_t>()) +
              " attempts): " + s["head"]["last_error"].get<std::string>();
    }
    std::printf("%4lld  %-40s %8lld %9lld  %s\n", static_cast<long long>(s["id"].get<int64_t>()),
                s["url"].get<std::string>().c_str(),
                static_cast<long long>(s["pending"].get<int64_t>()),
                static_cast<long long>(s["delivered"].get<int64_t>()), note.c_str());
  }
  if (subscriptions.empty()) std::printf("(no subscriptions)\n");
}

void print_attempts(const nlohmann::ordered_json& attempts) {
  std::printf("%-19s %8s %6s %8s  %s\n", "at (UTC)", "event", "status", "ms", "error");
  for (const auto& a : attempts) {
    std::printf("%-19s %8lld %6s %8lld  %s\n", format_time(a["at"].get<int64_t>()).c_str(),
                static_cast<long long>(a["event_id"].get<int64_t>()),
                a["status"].is_null() ? "-" : std::to_string(a["status"].get<int>()).c_str(),
                static_cast<long long>(a["duration_ms"].get<int64_t>()),
                a["error"].is_null() ? "" : a["error"].get<std::string>().c_str());
  }
}

}  // namespace

int run_subscriptions(int argc, const char* const* argv) {
  const std::string action = argc >= 2 ? argv[1] : "";
  if (action == "--help" || action == "-h") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (action != "add" && action != "list" && action != "rm" && action != "attempts") {
    throw UsageError("expected 'add', 'list', 'rm' or 'attempts' (driftctl subscriptions --help)");
  }
  po::options_description options("options");
  std::string url, token, cacert, target, secret, format = "table";
  std::vector<std::string> streams, features, severities, states;
  int64_t id = 0;
  int64_t limit = 100;
  options.add_options()("help,h", "this help")("url", po::value(&url))(
      "token", po::value(&token))("cacert", po::value(&cacert))(
      "target", po::value(&target))("secret", po::value(&secret))("stream", po::value(&streams))(
      "feature", po::value(&features))("severity", po::value(&severities))(
      "state", po::value(&states))("id", po::value(&id))("limit", po::value(&limit))(
      "format", po::value(&format));
  const auto parsed = parse_arguments(argc - 1, argv + 1, options, kUsage);
  if (!parsed) return kExitOk;
  const OutputFormat output = parse_output_format(format);
  if (url.empty()) throw UsageError("--url is required (the daemon, http://host:port)");
  const ApiClient api(url, token, cacert);

  nlohmann::ordered_json result;
  if (action == "add") {
    if (target.empty() || secret.empty()) throw UsageError("add needs --target and --secret");
    nlohmann::json filters = nlohmann::json::object();
    for (const auto& [key, values] : {std::pair{"stream", &streams}, {"feature", &features},
                                      {"severity", &severities}, {"state", &states}}) {
      if (!values->empty()) filters[key] = *values;
    }
    result = api.call("POST", "/v1/subscriptions",
                      nlohmann::json{{"url", target}, {"secret", secret}, {"filters", filters}}.dump());
    if (output == OutputFormat::kTable) {
      std::printf("subscription %lld: %s gets the alerts matching %s from event %lld on\n",
                  static_cast<long long>(result["id"].get<int64_t>()), target.c_str(),
                  result["filters"].dump().c_str(),
                  static_cast<long long>(result["after_event_id"].get<int64_t>()) + 1);
    }
  } else if (action == "list") {
    result = api.get("/v1/subscriptions");
    if (output == OutputFormat::kTable) print_list(result["subscriptions"]);
  } else {
    if (id < 1) throw UsageError("--id is required (a subscription id, see list)");
    if (action == "rm") {
      result = api.call("DELETE", "/v1/subscriptions/" + std::to_string(id), "");
      if (output == OutputFormat::kTable) std::printf("subscription %lld removed\n", static_cast<long long>(id));
    } else {
      result = api.get("/v1/subscriptions/" + std::to_string(id) +
                       "/attempts?limit=" + std::to_string(limit));
      if (output == OutputFormat::kTable) print_attempts(result["attempts"]);
    }
  }
  if (output == OutputFormat::kJson) std::cout << result.dump(2) << '\n';
  return kExitOk;
}

}  // namespace driftd::cli
