#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QStringList>

namespace gb::ui {

/// The scenarios the sidebar offers: the built-ins (the study's three stages), then the user's
/// scenario files (those opened or saved in the app, remembered in the settings). A source is
/// "builtin:NAME" or an absolute file path.
///
/// GUI thread only. Reads each file's name when a file is added: scenario files are small.
class ScenarioListModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role
    {
        SourceRole = Qt::UserRole, ///< "builtin:baseline" or the file path
        NameRole,
        DescriptionRole,
        IsBuiltinRole,
        SubtitleRole, ///< "built-in", the file's path, or why it cannot be read
        ErrorRole,    ///< empty when the scenario can be opened
    };

    explicit ScenarioListModel(QObject* parent = nullptr);

    static QString builtinSource(const QString& name);
    static bool isBuiltinSource(const QString& source);
    static QString builtinName(const QString& source);

    /// Replaces the user's files (missing files are left out).
    void setUserFiles(const QStringList& paths);
    QStringList userFiles() const;
    /// Adds path (or re-reads it when listed). Returns its row.
    int addUserFile(const QString& path);
    void removeUserFile(const QString& path);
    int rowOfSource(const QString& source) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    struct Entry
    {
        QString source;
        QString name;
        QString description;
        QString error;
        bool builtin = false;
    };
    static Entry readFile(const QString& path);

    QList<Entry> m_entries;
};

} // namespace gb::ui
