#include "ui/models/table_columns.h"

#include <QAbstractItemModel>
#include <QHeaderView>
#include <QTableView>

namespace pagoda::ui {

void fitColumns(QTableView& view, int nameColumn) {
    QHeaderView* header = view.horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(nameColumn, QHeaderView::Stretch);
    view.setTextElideMode(Qt::ElideMiddle);
    view.setWordWrap(false);
}

}  // namespace pagoda::ui
