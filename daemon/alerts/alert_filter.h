// Which alert events a subscriber wants: by stream, feature, severity and
// state, each a set of accepted values (empty: any). Parsed from the query
// parameters of GET /v1/alerts/stream (and the subscriptions of webhooks):
//   stream=payments,clicks  feature=amount  severity=warn|critical
//   state=firing|resolved   (firing: fired, escalated, deescalated)
// Repeated parameters and comma-separated values both add to the set.
//
// Guarantees: parse() throws InputError naming the parameter and the values
// it accepts for an unknown severity or state, or an empty value.
//
// Thread safety: immutable once parsed.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/alert_event.h"

namespace driftd::alerts {

class AlertFilter {
 public:
  // Everything matches.
  AlertFilter() = default;

  // (name, value) pairs in request order; names other than the four are
  // ignored (the caller owns the other parameters).
  static AlertFilter parse(const std::vector<std::pair<std::string, std::string>>& parameters);

  bool matches(const store::AlertEvent& event) const;

 private:
  std::set<std::string, std::less<>> streams_;
  std::set<std::string, std::less<>> features_;
  std::set<std::string, std::less<>> severities_;
  std::set<std::string, std::less<>> states_;
};

}  // namespace driftd::alerts
