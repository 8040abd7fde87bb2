#include "dataset/data_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include "common/error.h"

namespace driftd {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& problem) {
  throw InputError(path.string() + ": " + problem);
}

[[noreturn]] void fail_limit(const std::filesystem::path& path, std::uint64_t size,
                             std::uint64_t max_bytes) {
  fail(path, std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_bytes));
}

// The rest of fd; a file that grows past max_bytes while it is read fails.
std::string read_all(const std::filesystem::path& path, int fd, std::size_t expected_size,
                     std::optional<std::uint64_t> max_bytes) {
  std::string contents;
  contents.reserve(expected_size);
  char block[1 << 16];
  while (true) {
    const ssize_t got = ::read(fd, block, sizeof block);
    if (got == 0) return contents;
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(path, std::string("cannot read: ") + std::strerror(errno));
    }
    contents.append(block, static_cast<std::size_t>(got));
    if (max_bytes && contents.size() > *max_bytes) fail_limit(path, contents.size(), *max_bytes);
  }
}

FileFormat detect_format(const std::filesystem::path& path, std::string_view bytes) {
  const std::string extension = path.extension().string();
  if (extension == ".csv") return FileFormat::kCsv;
  if (extension == ".ndjson" || extension == ".jsonl" || extension == ".json") {
    return FileFormat::kNdjson;
  }
  for (const char c : bytes) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      return c == '{' ? FileFormat::kNdjson : FileFormat::kCsv;
    }
  }
  return FileFormat::kCsv;
}

}  // namespace

DataFile DataFile::open(const std::filesystem::path& path,
                        std::optional<std::uint64_t> max_bytes) {
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open file");
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) {
    fail(path, std::string("cannot read its size: ") + std::strerror(errno));
  }
  const bool regular = S_ISREG(status.st_mode);
  if (max_bytes) {
    if (!regular) {
      fail(path, "not a regular file (a device or a pipe has no size to check against the limit "
                 "of " + std::to_string(*max_bytes) + " bytes)");
    }
    if (static_cast<std::uint64_t>(status.st_size) > *max_bytes) {
      fail_limit(path, static_cast<std::uint64_t>(status.st_size), *max_bytes);
    }
  }
  DataFile file;
  file.path_ = path;
  if (regular && status.st_size > 0 && !max_bytes) {
    file.mapping_size_ = static_cast<std::size_t>(status.st_size);
    void* mapping = ::mmap(nullptr, file.mapping_size_, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (mapping == MAP_FAILED) fail(path, std::string("cannot map: ") + std::strerror(errno));
    file.mapping_ = mapping;
    ::madvise(mapping, file.mapping_size_, MADV_SEQUENTIAL);
    file.bytes_ = std::string_view(static_cast<const char*>(mapping), file.mapping_size_);
  } else {
    file.buffer_ = read_all(path, fd.get(), regular ? static_cast<std::size_t>(status.st_size) : 0,
                            max_bytes);
    file.bytes_ = file.buffer_;
  }
  file.format_ = detect_format(path, file.bytes_);
  if (file.bytes_.empty()) {
    fail(path, file.format_ == FileFormat::kCsv ? "empty file (expected a header row)"
                                                : "empty file (no JSON records)");
  }
  return file;
}

DataFile::DataFile(DataFile&& other) noexcept { *this = std::move(other); }

DataFile& DataFile::operator=(DataFile&& other) noexcept {
  if (this == &other) return *this;
  unmap();
  path_ = std::move(other.path_);
  format_ = other.format_;
  mapping_ = std::exchange(other.mapping_, nullptr);
  mapping_size_ = std::exchange(other.mapping_size_, 0);
  buffer_ = std::move(other.buffer_);
  // A moved string may have moved its characters (small-string storage).
  bytes_ = mapping_ != nullptr ? std::exchange(other.bytes_, {}) : std::string_view(buffer_);
  other.bytes_ = {};
  return *this;
}

DataFile::~DataFile() { unmap(); }

void DataFile::unmap() noexcept {
  if (mapping_ != nullptr) ::munmap(mapping_, mapping_size_);
  mapping_ = nullptr;
  mapping_size_ = 0;
}

void DataFile::release(std::size_t offset, std::size_t size) const {
  if (mapping_ == nullptr) return;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t first = (offset + page - 1) / page * page;
  const std::size_t last = (offset + size) / page * page;
  if (first >= last) return;
  // Clean pages of a read-only private file mapping: MADV_DONTNEED unmaps
  // them; the next access reads the file again.
  ::madvise(static_cast<char*>(mapping_) + first, last - first, MADV_DONTNEED);
}

}  // namespace driftd
