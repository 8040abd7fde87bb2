// Keys of cluster mode's compacted topics that name a stream and a number:
// the stream's name, an infix ("/capture/" for a capture's chunks in the
// state topic, owner_state.h; "/switch/" for a reference switch in the
// references topic, reference_timeline.h) and the number in 20 decimal
// digits, so the keys of one stream sort by number. A stream's own record
// is keyed by its bare name, which has no '/' (config/string_format.h): no
// numbered key is a stream's name.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace driftd::cluster {

struct NumberedKey {
  std::string stream;
  std::uint64_t number = 0;
};

// REQUIRES: `infix` starts and ends with '/'.
std::string numbered_key(std::string_view stream, std::string_view infix, std::uint64_t number);
// The stream and number `key` names with `infix`; nullopt for any other key.
std::optional<NumberedKey> parse_numbered_key(std::string_view key, std::string_view infix);

}  // namespace driftd::cluster
