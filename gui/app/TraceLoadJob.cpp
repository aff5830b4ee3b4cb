#include "TraceLoadJob.hpp"

#include "data/TraceLoader.hpp"
#include "trace/TraceReader.hpp"

#include <QThread>

namespace rxpath::view {

TraceLoadJob::~TraceLoadJob() {
  if (thread_) {
    cancel_ = true;
    thread_->wait();
    delete thread_;
  }
}

LoadResult TraceLoadJob::load_now(const QString& path, const std::function<bool(double)>& progress,
                                  const TraceLoader::Partial& partial) {
  LoadResult r;
  try {
    r.store = TraceLoader::load(path.toStdString(), progress, partial);
  } catch (const LoadCancelled&) {
    r.error = QObject::tr("Loading %1 was cancelled.").arg(path);
    r.error_title = QObject::tr("Cancelled");
  } catch (const trace::TraceError& e) {
    r.error = QString::fromStdString(e.what());
    if (r.error.contains(QLatin1String("not an rxpath trace")) || r.error.contains(QLatin1String("is empty")))
      r.error_title = QObject::tr("Not an rxpath trace");
    else if (r.error.contains(QLatin1String("schema version")))
      r.error_title = QObject::tr("Unsupported trace schema version");
    else if (r.error.contains(QLatin1String("cannot open")))
      r.error_title = QObject::tr("Cannot open the file");
    else
      r.error_title = QObject::tr("Invalid trace");
  } catch (const std::bad_alloc&) {
    r.error = QObject::tr("%1: not enough memory to load this trace.").arg(path);
    r.error_title = QObject::tr("Out of memory");
  } catch (const std::exception& e) {
    r.error = QStringLiteral("%1: %2").arg(path, QString::fromStdString(e.what()));
    r.error_title = QObject::tr("Cannot read the trace");
  }
  return r;
}

void TraceLoadJob::start(const QString& path) {
  if (thread_) return;
  cancel_ = false;
  thread_ = QThread::create([this, path] {
    int last = -1;
    LoadResult r = load_now(
        path,
        [this, &last](double f) {
          if (int pm = static_cast<int>(f * 1000); pm != last) last = pm, emit progress(pm);
          return !cancel_.load();
        },
        [this, path](std::shared_ptr<const TraceStore> store) {
          QMetaObject::invokeMethod(
              this, [this, path, store] { emit partial(path, store); }, Qt::QueuedConnection);
        });
    // Deliver on the GUI thread, where this object lives.
    QMetaObject::invokeMethod(
        this,
        [this, path, r] {
          thread_->wait();
          delete thread_;
          thread_ = nullptr;
          emit finished(path, r);
        },
        Qt::QueuedConnection);
  });
  thread_->start();
}

} // namespace rxpath::view
