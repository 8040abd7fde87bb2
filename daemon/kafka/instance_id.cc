#include "kafka/instance_id.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

namespace driftd::kafka {
namespace {

constexpr std::size_t kMaxIdLength = 249;  // Kafka's limit for names
constexpr std::string_view kPrefix = "driftd-";
constexpr std::size_t kHashDigits = 16;

// 64-bit FNV-1a: tiny, and fixed by its definition, so the id stays the
// same across builds and machines (std::hash promises neither). Not for
// secrecy: only to tell configurations apart.
class Fnv1a {
 public:
  // Each field with its length first, so that no two sequences of fields
  // feed the same bytes.
  void field(std::string_view text) {
    bytes(std::to_string(text.size()));
    bytes(":");
    bytes(text);
  }
  uint64_t value() const { return hash_; }

 private:
  void bytes(std::string_view text) {
    for (const char c : text) {
      hash_ ^= static_cast<unsigned char>(c);
      hash_ *= 0x100000001b3ULL;
    }
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

}  // namespace

std::string derive_instance_id(std::string_view host, std::string_view group_id,
                               std::span<const std::string> topics,
                               std::string_view storage_path) {
  std::vector<std::string> sorted(topics.begin(), topics.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  Fnv1a hash;
  hash.field(group_id);
  hash.field(std::to_string(sorted.size()));
  for (const std::string& topic : sorted) hash.field(topic);
  hash.field(storage_path);

  constexpr std::size_t kMaxHost = kMaxIdLength - kPrefix.size() - 1 - kHashDigits;
  std::string name(host.substr(0, kMaxHost));
  std::replace_if(name.begin(), name.end(), [](char c) { return !allowed(c); }, '-');
  if (name.empty()) name = "unknown-host";

  static constexpr char kHex[] = "0123456789abcdef";
  std::string digits(kHashDigits, '0');
  uint64_t value = hash.value();
  for (std::size_t i = kHashDigits; i-- > 0; value >>= 4) digits[i] = kHex[value & 0xf];
  return std::string(kPrefix) + name + "-" + digits;
}

std::optional<std::string> group_instance_id(const config::Config& config) {
  const config::KafkaConfig& kafka = config.kafka.value();
  std::optional<std::string> chosen = kafka.instance_id;
  if (const auto property = kafka.properties.find("group.instance.id");
      property != kafka.properties.end()) {
    chosen = property->second;
  }
  if (chosen) return chosen->empty() ? std::nullopt : chosen;

  std::vector<std::string> topics;
  for (const config::StreamConfig& stream : config.streams) {
    if (stream.source.type == config::SourceType::kafka) topics.push_back(stream.source.topic);
  }
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::error_code error;
  std::filesystem::path database = std::filesystem::absolute(config.storage.path, error);
  if (error) database = config.storage.path;  // no working directory: as written
  return derive_instance_id(host, kafka.group_id, topics, database.lexically_normal().string());
}

}  // namespace driftd::kafka
