#include "config/config_schema.h"

#include <algorithm>

namespace driftd::config::schema {

const Field* find_field(const ObjectSpec& object, std::string_view key) {
  for (const Field& field : object.fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

bool exists_for(const Field& field, std::string_view variant) {
  return field.only_for.empty() ||
         std::find(field.only_for.begin(), field.only_for.end(), variant) != field.only_for.end();
}

}  // namespace driftd::config::schema
