#include "ui/editor/form_helpers.h"

#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QTableView>

namespace gb::ui {

QHBoxLayout* tableRowButtons(QTableView* view, const QString& addText,
                             std::function<int()> appendRow, NewRow newRow, QWidget* parent)
{
    auto* buttons = new QHBoxLayout;
    auto* add = new QPushButton(addText, parent);
    auto* remove = new QPushButton(QStringLiteral("Remove"), parent);
    remove->setEnabled(false);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    QObject::connect(add, &QPushButton::clicked, view,
                     [view, appendRow = std::move(appendRow), newRow] {
                         const QModelIndex first = view->model()->index(appendRow(), 0);
                         view->setCurrentIndex(first);
                         if (newRow == NewRow::Edit)
                             view->edit(first);
                     });
    QObject::connect(remove, &QPushButton::clicked, view, [view] {
        const QModelIndexList rows = view->selectionModel()->selectedRows();
        if (!rows.isEmpty())
            view->model()->removeRows(rows.first().row(), 1);
    });
    QObject::connect(
        view->selectionModel(), &QItemSelectionModel::selectionChanged, remove,
        [view, remove] { remove->setEnabled(view->selectionModel()->hasSelection()); });
    return buttons;
}

} // namespace gb::ui
