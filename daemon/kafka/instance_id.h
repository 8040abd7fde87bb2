// The group.instance.id driftd's consumer joins its group with (static
// membership): a restarted driftd that presents the id of the member it
// replaces gets that member's partitions back at once, instead of after the
// dead member's session.timeout.ms (librdkafka's default 45 s).
//
// Guarantees:
// - derive_instance_id() is a pure function of its arguments: the same
//   host, group, topics (in any order, repeated or not) and database path
//   give the same id, on every start and every build; a different group or
//   database path (or host, or set of topics) gives a different id, so two
//   instances on one host with different databases do not fence each other.
// - Its result is "driftd-<host>-<16 lowercase hex digits>", at most 249
//   characters from [a-zA-Z0-9._-], which Kafka accepts as an id: the host
//   name's other characters become '-', and it is cut to fit.
// - group_instance_id() resolves the configuration, in this order:
//   kafka.properties["group.instance.id"] as it is; kafka.instance_id
//   ("" meaning dynamic membership: nullopt); else the derived id, of this
//   host's name and the absolute, normalised storage.path.
//
// Thread safety: pure functions; group_instance_id() reads the host name and
// the working directory.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"

namespace driftd::kafka {

std::string derive_instance_id(std::string_view host, std::string_view group_id,
                               std::span<const std::string> topics,
                               std::string_view storage_path);

// The group.instance.id to use (nullopt: dynamic membership).
// REQUIRES: config.kafka is set.
std::optional<std::string> group_instance_id(const config::Config& config);

}  // namespace driftd::kafka
