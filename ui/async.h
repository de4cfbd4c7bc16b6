#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace gb::ui {

/// Runs work() on Qt's thread pool and then done(result) on context's thread, unless context
/// has been destroyed by then (the watcher that would call done is its child and goes with it).
/// For the file reading the GUI thread must not wait for: the run history, the runs of a
/// comparison. work must only touch what it captured by value.
///
/// (Not QFuture::then(context, done): Qt 6.4 asserts in a debug build when context is gone
/// before the work ends.)
template <class Work, class Done>
void runInBackground(QObject* context, Work&& work, Done&& done)
{
    using Result = std::invoke_result_t<Work>;
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, watcher,
                     [watcher, done = std::forward<Done>(done)]() mutable {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(std::forward<Work>(work)));
}

} // namespace gb::ui
