// Copyright (c) 2026 The Tessera Authors. Licensed under the Apache License 2.0.
//
// Faults: a database locked by another process, a read-only directory, corrupted SST and WAL
// files, a full disk, and a process killed during an index build, an import and a restore. Each
// must give a clear error naming the cause, lose nothing that was acknowledged, and leave a
// database that opens again once the fault is gone.
//
// The disk-full test mounts a small tmpfs and is skipped (with the reason) where mounting is not
// permitted; the read-only test is skipped when running as root, which ignores permissions.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "tessera/doc.h"
#include "tessera/kv.h"
#include "tests/util/test_util.h"
#include "tools/transfer/transfer.h"

namespace tessera {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<fs::path> FilesWithExtension(const std::string& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteFile(const fs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << data;
}

// Runs `body` in a forked child, which calls `signal()` now and then (each call writes a byte to
// a pipe). The parent waits for `signals` signals (or the child's end), then SIGKILLs it.
// Returns how many signals arrived.
int ForkAndKill(const std::function<void(const std::function<void()>& signal)>& body, int signals) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    body([fd = fds[1]] { (void)!write(fd, "x", 1); });
    _exit(0);
  }
  close(fds[1]);
  int seen = 0;
  char c;
  while (seen < signals) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 120'000) <= 0) break;
    if (read(fds[0], &c, 1) != 1) break;
    ++seen;
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(fds[0]);
  return seen;
}

class FaultTest : public test::DbTest {
 protected:
  void PutKeys(int n, const std::string& prefix = "k") {
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
    for (int i = 0; i < n; ++i) {
      ASSERT_OK(kv->Put("ns", prefix + std::to_string(i), "value-" + std::to_string(i)));
    }
  }
  // Every key written by PutKeys(n) reads back intact.
  void ExpectKeys(int n, const std::string& prefix = "k") {
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
    for (int i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", prefix + std::to_string(i)));
      ASSERT_EQ(v, "value-" + std::to_string(i)) << prefix << i;
    }
  }
};

TEST_F(FaultTest, DatabaseLockedByAnotherProcess) {
  PutKeys(10);
  Close();
  // A child holds the database open until the parent has tried to open it.
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = DB::Open(db_path(), options_);
    (void)!write(ready[1], db.ok() ? "1" : "0", 1);
    char c;
    (void)!read(done[0], &c, 1);
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1') << "the child could not open the database";
  auto locked = DB::Open(db_path(), options_);
  EXPECT_EQ(locked.status().code(), absl::StatusCode::kUnavailable) << locked.status();
  EXPECT_THAT(std::string(locked.status().message()), HasSubstr("is locked"));
  EXPECT_THAT(std::string(locked.status().message()), HasSubstr(db_path()));
  (void)!write(done[1], "x", 1);
  int status = 0;
  waitpid(pid, &status, 0);
  for (int fd : {ready[0], ready[1], done[0], done[1]}) close(fd);
  // The lock goes with the process: the database opens again.
  Reopen();
  ExpectKeys(10);
}

TEST_F(FaultTest, ReadOnlyDirectory) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root, which ignores directory permissions";
  PutKeys(10);
  Close();
  ASSERT_EQ(chmod(db_path().c_str(), 0500), 0);
  auto ro = DB::Open(db_path(), options_);
  chmod(db_path().c_str(), 0700);
  ASSERT_FALSE(ro.ok());
  EXPECT_THAT(std::string(ro.status().message()), HasSubstr("ermission denied"));
  Reopen();
  ExpectKeys(10);
}

TEST_F(FaultTest, PathIsAFile) {
  Close();
  const std::string file = dir_->path() + "/plain-file";
  WriteFile(file, "not a database");
  auto db = DB::Open(file, options_);
  ASSERT_FALSE(db.ok());
  EXPECT_THAT(std::string(db.status().message()), HasSubstr(file));
}

TEST_F(FaultTest, CorruptedSstIsReportedNotServed) {
  options_.write_buffer_bytes = 32 << 10;  // small memtables: the keys reach SST files
  Reopen();
  PutKeys(2000);
  Close();
  std::vector<fs::path> ssts = FilesWithExtension(db_path(), ".sst");
  ASSERT_FALSE(ssts.empty());
  // Flip 64 bytes inside the first data block of every SST file.
  std::vector<std::string> originals;
  for (const fs::path& p : ssts) {
    originals.push_back(ReadFile(p));
    std::string bad = originals.back();
    for (size_t i = 100; i < 164 && i < bad.size(); ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    WriteFile(p, bad);
  }
  // Either the open or the reads must report the corruption (DataLoss); no read may return a
  // wrong value.
  auto db = DB::Open(db_path(), options_);
  absl::Status seen = db.status();
  if (db.ok()) {
    auto kv = KvStore::Open(db->get());
    ASSERT_TRUE(kv.ok());
    for (int i = 0; i < 2000 && seen.ok(); ++i) {
      auto v = (*kv)->Get("ns", "k" + std::to_string(i));
      if (!v.ok()) {
        seen = v.status();
      } else {
        ASSERT_EQ(*v, "value-" + std::to_string(i)) << "corrupted data served for k" << i;
      }
    }
    kv->reset();
    (void)(*db)->Close();
  }
  EXPECT_EQ(seen.code(), absl::StatusCode::kDataLoss) << seen;
  EXPECT_THAT(std::string(seen.message()), HasSubstr("orruption"));
  // With the file repaired the database opens and reads again.
  for (size_t i = 0; i < ssts.size(); ++i) WriteFile(ssts[i], originals[i]);
  Reopen();
  ExpectKeys(2000);
}

// A writer killed mid-way leaves its write-ahead log; cutting the log's last bytes (a torn write)
// loses at most the records in the torn part, and everything before it is intact.
// A child process writes `n` keys w<i> with synchronous commits and exits without closing the
// database, so the data is only in the write-ahead log. Returns how many writes it acknowledged.
int WriteSyncedAndExit(const std::string& path, Options o, int n) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    o.sync_commits = true;
    auto db = DB::Open(path, o);
    if (!db.ok()) _exit(2);
    auto kv = KvStore::Open(db->get());
    for (int i = 0; i < n; ++i) {
      if (!(*kv)->Put("ns", "w" + std::to_string(i), "value-" + std::to_string(i)).ok()) _exit(3);
      (void)!write(fds[1], "x", 1);
    }
    _exit(0);  // no Close: the data is only in the WAL
  }
  close(fds[1]);
  int acked = 0;
  char c;
  while (read(fds[0], &c, 1) == 1) ++acked;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return acked;
}

// Checks what a reopened database holds of WriteSyncedAndExit's 200 writes: a prefix w0..w<k-1>
// (never a later write without an earlier one), with the change log agreeing. Returns k.
int ExpectPrefixOfSyncedWrites(DB* db) {
  auto kv = KvStore::Open(db);
  EXPECT_TRUE(kv.ok()) << kv.status();
  if (!kv.ok()) return -1;
  int present = 0;
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<std::optional<std::string>> v = (*kv)->Get("ns", "w" + std::to_string(i));
    EXPECT_TRUE(v.ok()) << v.status();
    if (v.ok() && *v) {
      EXPECT_EQ(present, i) << "w" << i << " present after a missing key";
      EXPECT_EQ(**v, "value-" + std::to_string(i));
      ++present;
    }
  }
  absl::StatusOr<std::vector<ChangeEvent>> events = db->ReadChanges({.from_seq = 1, .limit = 1000});
  EXPECT_TRUE(events.ok()) << events.status();
  if (events.ok()) {
    EXPECT_EQ(static_cast<int>(events->size()), present);
  }
  return present;
}

// The last 37 bytes of the log are cut (a crash in the middle of a write): point-in-time
// recovery (engine_open.cc) drops the torn record and keeps everything before it.
TEST_F(FaultTest, TornWalTail) {
  Close();
  ASSERT_EQ(WriteSyncedAndExit(db_path(), options_, 200), 200);
  std::vector<fs::path> logs = FilesWithExtension(db_path(), ".log");
  ASSERT_FALSE(logs.empty());
  const fs::path wal = logs.back();
  const auto size = fs::file_size(wal);
  ASSERT_GT(size, 100u);
  fs::resize_file(wal, size - 37);

  Reopen();
  EXPECT_GE(ExpectPrefixOfSyncedWrites(db_.get()), 199) << "more than the torn record was lost";
}

// Garbage in the middle of the log (a damaged disk block): the database still opens, as of the
// last intact write before the damage (point-in-time recovery); no later write is visible
// without the earlier ones.
TEST_F(FaultTest, CorruptedWalMiddleStopsRecoveryThere) {
  Close();
  ASSERT_EQ(WriteSyncedAndExit(db_path(), options_, 200), 200);
  std::vector<fs::path> logs = FilesWithExtension(db_path(), ".log");
  ASSERT_FALSE(logs.empty());
  const fs::path wal = logs.back();
  std::string bytes = ReadFile(wal);
  ASSERT_GT(bytes.size(), 4096u);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 64; ++i) bytes[i] ^= 0x5a;
  WriteFile(wal, bytes);

  Reopen();
  const int present = ExpectPrefixOfSyncedWrites(db_.get());
  EXPECT_GT(present, 0);
  EXPECT_LT(present, 200) << "a damaged record was replayed";
  // The database takes writes again.
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db_.get()));
  ASSERT_OK(kv->Put("ns", "after", "ok"));
  Reopen();
  ASSERT_OK_AND_ASSIGN(kv, KvStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "after"));
  EXPECT_EQ(v, std::optional<std::string>("ok"));
  std::printf("WAL damaged at %zu of %zu bytes: %d of 200 writes kept\n", bytes.size() / 2,
              bytes.size(), present);
}

// Mounts a tmpfs of `size` at `dir`; false (and the reason in *why) when not permitted.
bool MountTmpfs(const std::string& dir, const char* size, std::string* why) {
  fs::create_directories(dir);
  const std::string opts = std::string("size=") + size;
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, opts.c_str()) != 0) {
    *why = std::string("cannot mount a tmpfs to fill (") + std::strerror(errno) +
           "): needs CAP_SYS_ADMIN";
    return false;
  }
  return true;
}

// The writer of DiskFullThenSpaceFreed, run in a fresh process (see RunFreshChild): 1000 writes
// of 16 KiB, reporting "+" per acknowledged write and "E<code> <message>" for the first failure
// on the file descriptor TESSERA_FAULT_CHILD_FD.
TEST(FaultChild, DISABLED_DiskFullWriter) {
  const char* path = std::getenv("TESSERA_FAULT_CHILD_DB");
  const char* fd_text = std::getenv("TESSERA_FAULT_CHILD_FD");
  if (path == nullptr || fd_text == nullptr)
    GTEST_SKIP() << "runs as DiskFullThenSpaceFreed's child";
  const int fd = std::atoi(fd_text);
  Options o;
  o.log_destination = LogDestination::kNone;
  o.write_buffer_bytes = 256 << 10;
  const std::string value(16 << 10, 'v');
  auto db = DB::Open(path, o);
  if (!db.ok()) _exit(2);
  auto kv = KvStore::Open(db->get());
  for (int i = 0; i < 1000; ++i) {
    absl::Status s = (*kv)->Put("ns", "k" + std::to_string(i), value + std::to_string(i));
    std::string line = s.ok() ? "+"
                              : "E" + std::to_string(static_cast<int>(s.code())) + " " +
                                    std::string(s.message()) + "\n";
    (void)!write(fd, line.data(), line.size());
    if (!s.ok()) break;
  }
  _exit(0);  // no Close: see CloseAfterDiskFullReportsTheErrorInsteadOfAborting
}

// Runs the disabled test `test` of this binary in a new process (fork + exec) with `env` set, and
// returns its pid. Why exec: RocksDB's background threads belong to a process-wide Env; a child
// forked after the parent used RocksDB inherits the Env's thread pool without its threads, so
// its memtable flushes never run and its writes end up waiting for them forever.
pid_t RunFreshChild(const char* test, const std::vector<std::pair<std::string, std::string>>& env) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  const std::string filter = std::string("--gtest_filter=") + test;
  execl("/proc/self/exe", "fault_test", "--gtest_also_run_disabled_tests", filter.c_str(),
        "--gtest_brief=1", static_cast<char*>(nullptr));
  _exit(127);
}

// The disk fills up under a writer: the failing write reports "disk full" promptly (no stall)
// and every acknowledged write survives. The writer is a separate process that exits without
// closing the database (see CloseAfterDiskFullReportsTheErrorInsteadOfAborting).
TEST_F(FaultTest, DiskFullThenSpaceFreed) {
  Close();
  const std::string mnt = dir_->path() + "/small";
  std::string why;
  if (!MountTmpfs(mnt, "3m", &why)) GTEST_SKIP() << why;
  struct Unmount {
    std::string p;
    ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  const std::string path = mnt + "/db";
  Options o = options_;
  o.write_buffer_bytes = 256 << 10;
  const std::string value(16 << 10, 'v');
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = RunFreshChild(
      "FaultChild.DISABLED_DiskFullWriter",
      {{"TESSERA_FAULT_CHILD_DB", path}, {"TESSERA_FAULT_CHILD_FD", std::to_string(fds[1])}});
  ASSERT_GE(pid, 0);
  close(fds[1]);
  // A watchdog, not a timing check: a write that meets ENOSPC must fail at once, so 30 s without
  // progress means it stalled (as a writer forked without exec did: see RunFreshChild).
  std::string out;
  char buf[4096];
  bool stalled = false;
  for (;;) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 30'000) <= 0) {
      stalled = true;
      break;
    }
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, n);
  }
  kill(pid, SIGKILL);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const size_t err = out.find('E');
  const int acked = static_cast<int>(err == std::string::npos ? out.size() : err);
  EXPECT_FALSE(stalled) << "the write after " << acked << " acknowledged ones stalled";
  ASSERT_NE(err, std::string::npos) << "3 MiB never filled up: " << out.size() << " writes";
  const std::string failure = out.substr(err);
  // A clear error naming the cause.
  EXPECT_EQ(failure.substr(0, 3),
            "E" + std::to_string(static_cast<int>(absl::StatusCode::kResourceExhausted)) + " ")
      << failure;
  EXPECT_THAT(failure, HasSubstr("disk full"));
  std::printf("failing write: %s", failure.c_str());
  // Free space (grow the file system) and reopen: every acknowledged write is there.
  ASSERT_EQ(mount("tmpfs", mnt.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0) << strerror(errno);
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(path, o));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db.get()));
  for (int i = 0; i < acked; ++i) {
    ASSERT_OK_AND_ASSIGN(auto v, kv->Get("ns", "k" + std::to_string(i)));
    ASSERT_EQ(v, value + std::to_string(i)) << "acknowledged k" << i << " lost";
  }
  ASSERT_OK(kv->Put("ns", "after", "ok"));
  kv.reset();
  ASSERT_OK(db->Close());
  std::printf("disk full after %d acknowledged 16 KiB writes; all present after remount\n", acked);
}

// Regression: after a write-ahead-log write failed with ENOSPC, DB::Close used to call
// rocksdb::DB::FlushWAL(true), and Debian's RocksDB 7.8 aborted the process in
// WritableFileWriter::AssertFalseAndGetStatusForPrevError (fixed upstream by
// facebook/rocksdb#12448). The engine now tracks RocksDB's background-error state and Close reports
// the failure instead.
TEST_F(FaultTest, CloseAfterDiskFullReportsTheErrorInsteadOfAborting) {
  Close();
  const std::string mnt = dir_->path() + "/small";
  std::string why;
  if (!MountTmpfs(mnt, "3m", &why)) GTEST_SKIP() << why;
  struct Unmount {
    std::string p;
    ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
  } unmount{mnt};
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(mnt + "/db", options_));
  ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db.get()));
  const std::string value(16 << 10, 'v');
  absl::Status s;
  for (int i = 0; i < 1000 && s.ok(); ++i) s = kv->Put("ns", "k" + std::to_string(i), value);
  ASSERT_FALSE(s.ok());
  kv.reset();
  absl::Status closed = db->Close();  // must return an error, not abort
  EXPECT_FALSE(closed.ok());
  EXPECT_NE(closed.message().find("write-ahead log was not synced"), std::string::npos) << closed;
}

// The documents matching {n: {$gte: 0}}, by the plan the database chooses, and by a full scan.
void ExpectIndexAgrees(DocStore& docs, int expected) {
  std::set<std::string> scanned, queried;
  {
    ASSERT_OK_AND_ASSIGN(auto c, docs.Find("c", Document::object(), {}));
    for (; c->Valid(); c->Next()) scanned.insert(c->entry()["_id"].dump());
    ASSERT_OK(c->status());
  }
  {
    ASSERT_OK_AND_ASSIGN(auto c, docs.Find("c", {{"n", {{"$gte", 0}}}}, {}));
    for (; c->Valid(); c->Next()) queried.insert(c->entry()["_id"].dump());
    ASSERT_OK(c->status());
  }
  EXPECT_EQ(static_cast<int>(scanned.size()), expected);
  EXPECT_EQ(queried, scanned);
}

TEST_F(FaultTest, KillDuringIndexBuild) {
  constexpr int kDocs = 6000;
  {
    ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
    for (int b = 0; b < kDocs / 1000; ++b) {
      std::vector<Document> batch;
      for (int i = 0; i < 1000; ++i) batch.push_back({{"_id", b * 1000 + i}, {"n", b * 1000 + i}});
      ASSERT_OK(docs->Insert("c", batch).status());
    }
  }
  Close();
  // The child stops after two batches of the build have committed (the kill then lands while
  // the build is certainly unfinished, whatever the machine's load).
  const int seen = ForkAndKill(
      [&](const std::function<void()>& signal) {
        auto db = DB::Open(db_path(), options_);
        if (!db.ok()) _exit(2);
        auto docs = DocStore::Open(db->get());
        int batches = 0;
        (void)(*docs)->CreateIndex("c", {.keys = {{"n", 1}}}, [&](uint64_t, uint64_t) {
          signal();
          if (++batches == 2) pause();
        });
      },
      2);
  EXPECT_EQ(seen, 2);
  Reopen();
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
  // The half-built index is never used: queries agree with the documents, and it is not listed.
  ExpectIndexAgrees(*docs, kDocs);
  ASSERT_OK_AND_ASSIGN(auto indexes, docs->ListIndexes("c"));
  EXPECT_TRUE(indexes.empty());
  // A different definition under its name, or with its keys, says the build was interrupted and
  // how to drop it.
  absl::StatusOr<std::string> other =
      docs->CreateIndex("c", {.keys = {{"n", 1}}, .unique = true}, nullptr);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  EXPECT_THAT(other.status().message(), HasSubstr("interrupted"));
  EXPECT_THAT(other.status().message(), HasSubstr("doc index drop c n_1"));
  other = docs->CreateIndex("c", {.keys = {{"n", 1}}, .name = "by_n"}, nullptr);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
  // The same definition builds it again (no DropIndex needed), and the planner then uses it.
  ASSERT_OK_AND_ASSIGN(std::string name, docs->CreateIndex("c", {.keys = {{"n", 1}}}, nullptr));
  EXPECT_EQ(name, "n_1");
  ASSERT_OK_AND_ASSIGN(indexes, docs->ListIndexes("c"));
  EXPECT_EQ(indexes.size(), 1u);
  ASSERT_OK_AND_ASSIGN(DocExplain plan, docs->Explain("c", {{"n", {{"$gte", 0}}}}, {}));
  EXPECT_EQ(plan.index, std::optional<std::string>("n_1"));
  ExpectIndexAgrees(*docs, kDocs);
  // And once ready, an identical CreateIndex is a no-op again.
  ASSERT_OK_AND_ASSIGN(name, docs->CreateIndex("c", {.keys = {{"n", 1}}}, nullptr));
  EXPECT_EQ(name, "n_1");
}

TEST_F(FaultTest, KillDuringImport) {
  constexpr int kDocs = 5000;
  const std::string file = dir_->path() + "/docs.jsonl";
  {
    std::ofstream out(file);
    for (int i = 0; i < kDocs; ++i) out << "{\"_id\": " << i << ", \"n\": " << i << "}\n";
  }
  {
    ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
    ASSERT_OK(docs->CreateIndex("c", {.keys = {{"n", 1}}}, nullptr).status());
  }
  Close();
  ForkAndKill(
      [&](const std::function<void()>& signal) {
        auto db = DB::Open(db_path(), options_);
        if (!db.ok()) _exit(2);
        transfer::ImportOptions io;
        io.batch_records = 500;
        io.progress = [&](uint64_t) { signal(); };
        (void)transfer::Import(db->get(), Model::kDocument, "c", file, io);
      },
      2);
  Reopen();
  ASSERT_OK_AND_ASSIGN(auto docs, DocStore::Open(db_.get()));
  ASSERT_OK_AND_ASSIGN(uint64_t n, docs->Count("c", Document::object()));
  // Whole batches only: each batch is one transaction, in file order.
  EXPECT_EQ(n % 500, 0u) << n;
  for (uint64_t i = 0; i < n; ++i) {
    ASSERT_OK_AND_ASSIGN(auto d, docs->Get("c", i));
    ASSERT_TRUE(d.has_value()) << "document " << i << " of a committed batch is missing";
  }
  ExpectIndexAgrees(*docs, static_cast<int>(n));
  // Importing again completes it (existing _ids are reported, so import into a fresh name).
  transfer::ImportOptions io;
  ASSERT_OK(transfer::Import(db_.get(), Model::kDocument, "c2", file, io).status());
  ASSERT_OK_AND_ASSIGN(uint64_t n2, docs->Count("c2", Document::object()));
  EXPECT_EQ(n2, static_cast<uint64_t>(kDocs));
}

TEST_F(FaultTest, KillDuringRestore) {
  constexpr int kKeys = 6000;
  PutKeys(kKeys);
  const std::string dump = dir_->path() + "/all.tdump";
  ASSERT_OK(transfer::Dump(db_.get(), dump).status());
  const std::string target = dir_->path() + "/restored";
  Close();
  ForkAndKill(
      [&](const std::function<void()>& signal) {
        auto db = DB::Open(target, options_);
        if (!db.ok()) _exit(2);
        (void)transfer::Restore(
            db->get(), dump, [&](uint64_t) { signal(); }, 500);
      },
      2);
  // The partly restored database opens, and what it holds is intact.
  {
    ASSERT_OK_AND_ASSIGN(auto db, DB::Open(target, options_));
    ASSERT_OK_AND_ASSIGN(auto kv, KvStore::Open(db.get()));
    ASSERT_OK_AND_ASSIGN(auto c, kv->Scan("ns", {}));
    int n = 0;
    for (; c->Valid(); c->Next()) {
      const std::string key(c->entry().key);
      EXPECT_EQ(c->entry().value, "value-" + key.substr(1));
      ++n;
    }
    ASSERT_OK(c->status());
    EXPECT_LE(n, kKeys);
    c.reset();
    kv.reset();
    // Restoring again needs an empty database: the error says so.
    if (n > 0) {
      auto again = transfer::Restore(db.get(), dump);
      EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
    }
    ASSERT_OK(db->Close());
  }
  // Into a fresh directory the restore completes.
  const std::string fresh = dir_->path() + "/fresh";
  ASSERT_OK_AND_ASSIGN(auto db, DB::Open(fresh, options_));
  ASSERT_OK(transfer::Restore(db.get(), dump).status());
  ASSERT_OK(db->Close());
  db.reset();
  auto reopened = DB::Open(fresh, options_);
  ASSERT_OK(reopened.status());
  db_ = std::move(reopened).value();
  ExpectKeys(kKeys);
}

}  // namespace
}  // namespace tessera
