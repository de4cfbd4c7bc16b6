#pragma once

#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace gb::ui {

/// Runs work() on Qt's thread pool and then done(result) on context's thread, unless context
/// has been destroyed by then (the continuation is dropped with it). For the file reading the
/// GUI thread must not wait for: the run history, the runs of a comparison. work must only
/// touch what it captured by value.
template <class Work, class Done>
void runInBackground(QObject* context, Work&& work, Done&& done)
{
    auto future =
        QtConcurrent::run(std::forward<Work>(work)).then(context, std::forward<Done>(done));
    Q_UNUSED(future);
}

} // namespace gb::ui
