// DataFile: a whole CSV or NDJSON file, mapped read-only, for the record
// scanner (record_scanner.h) to read without copying.
//
// A regular file is mapped with mmap (MADV_SEQUENTIAL): its bytes are the
// page cache's, nothing is copied, and release() lets a scan give back the
// pages it has finished with so that the process's resident memory stays
// bounded whatever the file's size. A file truncated while it is mapped
// makes reading its lost pages raise SIGBUS: replace files by renaming
// (which is safe), do not rewrite them in place while they are read.
// A pipe or a device is read whole into memory instead, and so is a file
// opened with a size limit (a long-running process, the daemon, reads its
// bounded reference files that way, safe from SIGBUS).
//
// Errors throw driftd::InputError "PATH: problem": "cannot open file",
// "not a regular file (...)" and "N bytes, more than the limit of M" (only
// with max_bytes), "empty file (expected a header row)" for CSV, "empty
// file (no JSON records)" for NDJSON.
//
// Format: by extension (.csv; .ndjson, .jsonl, .json), else by the first
// non-blank byte ('{' means NDJSON).
//
// Thread safety: immutable after open(); any number of threads may read
// bytes() and call release() at once. Move-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace driftd {

enum class FileFormat { kCsv, kNdjson };

class DataFile {
 public:
  // With `max_bytes`, only a regular file of at most that many bytes is
  // opened (a device such as /dev/zero or a pipe never ends), and it is
  // read, not mapped.
  static DataFile open(const std::filesystem::path& path,
                       std::optional<std::uint64_t> max_bytes = std::nullopt);

  DataFile(DataFile&& other) noexcept;
  DataFile& operator=(DataFile&& other) noexcept;
  DataFile(const DataFile&) = delete;
  DataFile& operator=(const DataFile&) = delete;
  ~DataFile();

  FileFormat format() const { return format_; }
  const std::filesystem::path& path() const { return path_; }
  // The whole file; never empty.
  std::string_view bytes() const { return bytes_; }

  // Drops the pages wholly inside bytes()[offset, offset + size) from this
  // process's resident set; reading them again faults them back in from the
  // page cache (or the disk), with the same contents. Advisory: a no-op for
  // a file read into memory.
  void release(std::size_t offset, std::size_t size) const;

 private:
  DataFile() = default;
  void unmap() noexcept;

  std::filesystem::path path_;
  FileFormat format_ = FileFormat::kCsv;
  std::string_view bytes_;
  void* mapping_ = nullptr;  // from mmap, or nullptr when bytes_ views buffer_
  std::size_t mapping_size_ = 0;
  std::string buffer_;  // the contents, when read rather than mapped
};

}  // namespace driftd
