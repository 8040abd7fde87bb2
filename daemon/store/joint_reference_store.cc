#include "store/joint_reference_store.h"

#include <cstdio>
#include <optional>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace driftd::store {
namespace {

// Saves one reference as the active version of `name`; returns {id, version}.
std::pair<int64_t, int64_t> save_one(Database& db, const std::string& stream,
                                     const std::string& name, const char* kind,
                                     const nlohmann::json& features, const nlohmann::json& basis,
                                     const std::string& body, uint64_t n,
                                     const std::string& origin, int64_t now_ms) {
  db.prepare("UPDATE joint_references SET active = 0 WHERE stream = ?1 AND name = ?2")
      .bind(1, std::string_view(stream))
      .bind(2, std::string_view(name))
      .run();
  Statement next_version = db.prepare(
      "SELECT coalesce(max(version), 0) + 1 FROM joint_references WHERE stream = ?1 AND name = ?2");
  next_version.bind(1, std::string_view(stream)).bind(2, std::string_view(name));
  next_version.step();
  const int64_t version = next_version.column_int(0);
  db.prepare(
        "INSERT INTO joint_references (stream, name, kind, version, origin, features, basis, body, "
        "n, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10)")
      .bind(1, std::string_view(stream))
      .bind(2, std::string_view(name))
      .bind(3, std::string_view(kind))
      .bind(4, version)
      .bind(5, std::string_view(origin))
      .bind(6, std::string_view(features.dump()))
      .bind(7, std::string_view(basis.dump()))
      .bind(8, std::string_view(body))
      .bind(9, static_cast<int64_t>(n))
      .bind(10, now_ms)
      .run();
  return {db.last_insert_rowid(), version};
}

}  // namespace

void save_pair_reference(Database& db, const std::string& stream, const std::string& name,
                         const std::string& x, const std::string& y,
                         std::array<int64_t, 2> basis, PairReference& reference,
                         const std::string& origin, int64_t now_ms) {
  uint64_t n = 0;
  for (const uint64_t cell : reference.cells) n += cell;
  std::tie(reference.id, reference.version) =
      save_one(db, stream, name, "pair", nlohmann::json::array({x, y}),
               nlohmann::json::array({basis[0], basis[1]}), pair_reference_json(reference), n,
               origin, now_ms);
}

void save_group_reference(Database& db, const std::string& stream, const std::string& name,
                          const std::vector<std::string>& features, GroupReference& reference,
                          const std::string& origin, int64_t now_ms) {
  std::tie(reference.id, reference.version) =
      save_one(db, stream, name, "group", features, nlohmann::json::array(),
               group_reference_json(reference), reference.moments.count(), origin, now_ms);
}

void rebase_pairs(Database& db, const std::string& stream, const std::string& feature,
                  int64_t previous_id, int64_t id) {
  // basis is [x id, y id]; features is [x, y]: replace the entry of `feature`.
  for (const char* slot : {"$[0]", "$[1]"}) {
    db.prepare(std::string("UPDATE joint_references SET basis = json_replace(basis, '") + slot +
               "', ?4) WHERE stream = ?1 AND kind = 'pair' AND active = 1 "
               "AND json_extract(features, '" + slot + "') = ?2 "
               "AND json_extract(basis, '" + slot + "') = ?3")
        .bind(1, std::string_view(stream))
        .bind(2, std::string_view(feature))
        .bind(3, previous_id)
        .bind(4, id)
        .run();
  }
}

void save_joint_references(Database& db, const config::StreamConfig& stream,
                           StreamReferences& references, const std::string& origin,
                           int64_t now_ms) {
  Transaction transaction(db);
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    PairReference& reference = references.pairs[p];
    if (!reference.present()) continue;
    const config::PairConfig& pair = stream.pairs[p];
    save_pair_reference(db, stream.name, pair.name, pair.x, pair.y,
                        {references.features[pair.x_index].id,
                         references.features[pair.y_index].id},
                        reference, origin, now_ms);
  }
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    GroupReference& reference = references.groups[g];
    if (!reference.present()) continue;
    const config::GroupConfig& group = stream.groups[g];
    save_group_reference(db, stream.name, group.name, group.features, reference, origin, now_ms);
  }
  transaction.commit();
}

void load_joint_references(Database& db, const config::StreamConfig& stream,
                           StreamReferences& references) {
  Statement query = db.prepare(
      "SELECT id, version, kind, features, basis, body FROM joint_references "
      "WHERE stream = ?1 AND name = ?2 AND active = 1");
  // The active row of `name` as `read` makes it, or nullopt: none, another
  // kind or features, or unreadable (logged).
  const auto load = [&](const std::string& name, const char* kind,
                        const nlohmann::json& features, const nlohmann::json& basis,
                        const auto& read) -> std::optional<decltype(read(std::string_view{}))> {
    query.bind(1, std::string_view(stream.name)).bind(2, std::string_view(name));
    std::optional<decltype(read(std::string_view{}))> out;
    if (query.step() && query.column_text(2) == kind &&
        nlohmann::json::parse(query.column_text(3), nullptr, false) == features &&
        nlohmann::json::parse(query.column_text(4), nullptr, false) == basis) {
      try {
        out = read(query.column_text(5));
        out->id = query.column_int(0);
        out->version = query.column_int(1);
      } catch (const InputError& error) {
        std::fprintf(stderr, "driftd: stream '%s': ignoring the stored reference of %s '%s': %s\n",
                     stream.name.c_str(), kind, name.c_str(), error.what());
        out.reset();
      }
    }
    query.reset();
    return out;
  };
  references.pairs.assign(stream.pairs.size(), PairReference{});
  for (std::size_t p = 0; p < stream.pairs.size(); ++p) {
    const config::PairConfig& pair = stream.pairs[p];
    const FeatureReference& x = references.features[pair.x_index];
    const FeatureReference& y = references.features[pair.y_index];
    if (!x.present() || !y.present()) continue;
    auto loaded = load(pair.name, "pair", nlohmann::json::array({pair.x, pair.y}),
                       nlohmann::json::array({x.id, y.id}), [&](std::string_view body) {
                         return pair_reference_from_json(body, x.bins.bin_count(),
                                                         y.bins.bin_count());
                       });
    if (loaded) references.pairs[p] = std::move(*loaded);
  }
  references.groups.assign(stream.groups.size(), GroupReference{});
  for (std::size_t g = 0; g < stream.groups.size(); ++g) {
    const config::GroupConfig& group = stream.groups[g];
    auto loaded = load(group.name, "group", nlohmann::json(group.features),
                       nlohmann::json::array(), [&](std::string_view body) {
                         return group_reference_from_json(body, group.features.size());
                       });
    if (loaded) references.groups[g] = std::move(*loaded);
  }
}

}  // namespace driftd::store
