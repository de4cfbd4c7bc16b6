// The scenario editor's undo step: merging keystrokes, applying the before and after values.
#include "ui/editor/scenario_edit_command.h"

#include "ui/editor/scenario_editor.h"

#include <QHash>

namespace gb::ui {

namespace {

// Keystrokes in one field closer together than this are one undo step.
constexpr qint64 kMergeWindowMs = 1500;

/// The label of a field for undo texts ("Undo connections").
QString fieldLabel(const QString& path)
{
    static const QHash<QString, QString> labels = {
        {QStringLiteral("name"), QStringLiteral("name")},
        {QStringLiteral("description"), QStringLiteral("description")},
        {QStringLiteral("upstream.kind"), QStringLiteral("upstream")},
        {QStringLiteral("upstream.route"), QStringLiteral("route")},
        {QStringLiteral("upstream.xDelay"), QStringLiteral("X-Delay")},
        {QStringLiteral("upstream.url"), QStringLiteral("upstream URL")},
        {QStringLiteral("gateway.kind"), QStringLiteral("gateway")},
        {QStringLiteral("gateway.listenPath"), QStringLiteral("listen path")},
        {QStringLiteral("gateway.redis.mode"), QStringLiteral("Redis")},
        {QStringLiteral("gateway.redis.address"), QStringLiteral("Redis address")},
        {QStringLiteral("gateway.rateLimit.rate"), QStringLiteral("rate limit")},
        {QStringLiteral("gateway.rateLimit.per"), QStringLiteral("rate limit period")},
        {QStringLiteral("gateway.url"), QStringLiteral("gateway URL")},
        {QStringLiteral("gateway.headers"), QStringLiteral("gateway headers")},
        {QStringLiteral("load.connections"), QStringLiteral("connections")},
        {QStringLiteral("load.duration"), QStringLiteral("duration")},
        {QStringLiteral("load.warmup"), QStringLiteral("warm-up")},
        {QStringLiteral("load.model"), QStringLiteral("load model")},
        {QStringLiteral("load.perWorkerRate"), QStringLiteral("rate per connection")},
        {QStringLiteral("load.totalRate"), QStringLiteral("total rate")},
        {QStringLiteral("load.stages"), QStringLiteral("ramp stages")},
        {QStringLiteral("load.method"), QStringLiteral("method")},
        {QStringLiteral("load.headers"), QStringLiteral("headers")},
        {QStringLiteral("load.body"), QStringLiteral("body")},
        {QStringLiteral("load.timeout"), QStringLiteral("timeout")},
        {QStringLiteral("load.keepAlive"), QStringLiteral("keep-alive")},
        {QStringLiteral("topology.kind"), QStringLiteral("topology")},
        {QStringLiteral("topology.upstreamHost"), QStringLiteral("upstream host")},
        {QStringLiteral("topology.gatewayHost"), QStringLiteral("gateway host")},
        {QStringLiteral("topology.redisHost"), QStringLiteral("Redis host")},
        {QStringLiteral("topology.loadToPrivateAddress"), QStringLiteral("load address")},
        {QStringLiteral("topology.loadHosts"), QStringLiteral("load hosts")},
    };
    return labels.value(path, path);
}

} // namespace

ScenarioEditCommand::ScenarioEditCommand(ScenarioEditor* editor, app::Scenario before,
                                         app::Scenario after, QString field)
    : QUndoCommand(QStringLiteral("edit %1").arg(fieldLabel(field)))
    , m_editor(editor)
    , m_before(std::move(before))
    , m_after(std::move(after))
    , m_field(std::move(field))
    , m_last(QDateTime::currentDateTimeUtc())
{}

bool ScenarioEditCommand::mergeWith(const QUndoCommand* other)
{
    const auto* o = static_cast<const ScenarioEditCommand*>(other);
    if (o->m_field != m_field || m_last.msecsTo(o->m_last) > kMergeWindowMs)
        return false;
    m_after = o->m_after;
    m_last = o->m_last;
    setObsolete(m_after == m_before); // typed and erased: no step at all
    return true;
}

void ScenarioEditCommand::redo()
{
    if (m_applied) {
        m_applied = false;
        return;
    }
    m_editor->apply(m_after, true);
}

void ScenarioEditCommand::undo()
{
    m_editor->apply(m_before, true);
}

} // namespace gb::ui
