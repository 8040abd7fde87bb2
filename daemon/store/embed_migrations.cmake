# Build-time script: turns migrations/NNNN_name.sql into a C++ source file
# defining driftd::store::bundled_migrations().
# Usage: cmake -DMIGRATIONS_DIR=... -DOUTPUT=... -P embed_migrations.cmake
file(GLOB sql_files "${MIGRATIONS_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT sql_files)
set(body "")
set(expected 1)
foreach(sql_file ${sql_files})
  get_filename_component(name ${sql_file} NAME)
  string(SUBSTRING ${name} 0 4 number)
  math(EXPR version "${number}")
  if(NOT version EQUAL expected)
    message(FATAL_ERROR "migrations must be numbered 0001, 0002, ... without gaps: ${name}")
  endif()
  math(EXPR expected "${expected} + 1")
  file(READ ${sql_file} sql)
  string(APPEND body "    {${version}, \"${name}\", R\"driftd_sql(${sql})driftd_sql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from migrations/*.sql by embed_migrations.cmake. Do not edit.
#include \"store/migrations.h\"

namespace driftd::store {

std::span<const Migration> bundled_migrations() {
  static constexpr Migration kMigrations[] = {
${body}  };
  return kMigrations;
}

}  // namespace driftd::store
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
