// Loads a trace in a worker thread and reports progress and the result on the GUI thread.
#pragma once

#include "data/TraceLoader.hpp"
#include "data/TraceStore.hpp"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace rxpath::view {

struct LoadResult {
  std::shared_ptr<const TraceStore> store; // null on error
  QString error;                           // the reader's message: file:line: what
  QString error_title;                     // "Not an rxpath trace", "Unsupported schema version", …
};

class TraceLoadJob : public QObject {
  Q_OBJECT
public:
  explicit TraceLoadJob(QObject* parent = nullptr) : QObject(parent) {}
  ~TraceLoadJob() override;

  // Synchronous load (the screenshot command and tests use it); never throws.
  static LoadResult load_now(const QString& path, const std::function<bool(double)>& progress = {},
                             const TraceLoader::Partial& partial = {});

  void start(const QString& path);
  void cancel() { cancel_ = true; }
  bool running() const { return thread_ != nullptr; }

signals:
  void progress(int permille);
  // What has been read so far, while loading (TraceStore::partial); `finished` follows.
  void partial(const QString& path, std::shared_ptr<const rxpath::view::TraceStore> store);
  void finished(const QString& path, const rxpath::view::LoadResult& result);

private:
  QThread* thread_ = nullptr;
  std::atomic<bool> cancel_{false};
};

} // namespace rxpath::view
