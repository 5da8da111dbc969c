// What a person would see as a broken layout, checked on a laid-out widget tree: widgets of one
// layout overlapping, widgets squeezed below the size they need or sticking out of their
// parent, labels whose text is cut; and whether a control can be seen inside the window.
// Header-only so any desktop suite can include it.
#pragma once

#include <QAbstractScrollArea>
#include <QLabel>
#include <QLayout>
#include <QScrollArea>
#include <QHeaderView>
#include <QStringList>
#include <QTableView>
#include <QWidget>

#include <vector>

namespace pagoda::test {

namespace detail {

inline QString describe(const QWidget* widget) {
    QString name = widget->objectName();
    if (name.isEmpty()) name = QString::fromLatin1(widget->metaObject()->className());
    if (const auto* label = qobject_cast<const QLabel*>(widget))
        if (!label->text().isEmpty()) name += QStringLiteral(" \"%1\"").arg(label->text().left(40));
    const QWidget* parent = widget->parentWidget();
    if (parent && !parent->objectName().isEmpty() && !parent->objectName().startsWith("qt_"))
        name = parent->objectName() + '/' + name;
    return name;
}

inline QString rectText(const QRect& r) {
    return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

// The visible widgets a layout places, sub-layouts included.
inline void laidOutWidgets(QLayout* layout, std::vector<QWidget*>& out) {
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem* item = layout->itemAt(i);
        if (QWidget* widget = item->widget()) {
            if (!widget->isHidden()) out.push_back(widget);
        } else if (QLayout* inner = item->layout()) {
            laidOutWidgets(inner, out);
        }
    }
}

// Qt's own composite widgets (a combo box's line edit, a scroll area's viewport) and the
// inside of scroll areas' scroll bars are not ours to check.
inline bool isQtInternal(const QWidget* widget) { return widget->objectName().startsWith("qt_"); }

// The smallest size the widget's layout may give it, as QLayout computes it: an explicit
// minimum wins over the hint, and a policy that ignores the hint allows anything.
inline QSize smallestAllowed(const QWidget* widget) {
    const QSize hint = widget->minimumSizeHint();
    const QSize set = widget->minimumSize();
    const QSizePolicy policy = widget->sizePolicy();
    int w = set.width() > 0 ? set.width() : (policy.horizontalPolicy() & QSizePolicy::ShrinkFlag ? hint.width() : widget->sizeHint().width());
    int h = set.height() > 0 ? set.height() : (policy.verticalPolicy() & QSizePolicy::ShrinkFlag ? hint.height() : widget->sizeHint().height());
    if (policy.horizontalPolicy() == QSizePolicy::Ignored && set.width() <= 0) w = 0;
    if (policy.verticalPolicy() == QSizePolicy::Ignored && set.height() <= 0) h = 0;
    // Word-wrapped text trades width for height: its height is checked against the width it got.
    if (widget->hasHeightForWidth()) h = 0;
    return {std::max(w, 0), std::max(h, 0)};
}

inline void checkLabel(const QLabel* label, QStringList& problems) {
    if (label->text().isEmpty() || label->pixmap().cacheKey() != 0) return;
    // Shortened on purpose, the whole text in the tooltip (ui/elided_label.h).
    if (label->text().contains(QChar(0x2026)) && !label->toolTip().isEmpty()) return;
    const QRect contents = label->contentsRect();
    if (label->wordWrap()) {
        const int needed = label->heightForWidth(label->width());
        if (needed > label->height() + 1)
            problems << QStringLiteral("text cut at the bottom: %1 is %2 high, needs %3 at width %4")
                            .arg(describe(label)).arg(label->height()).arg(needed).arg(label->width());
    } else if (label->sizeHint().width() > label->width() + 1 && contents.width() > 0) {
        problems << QStringLiteral("text cut at the side: %1 is %2 wide, needs %3")
                        .arg(describe(label)).arg(label->width()).arg(label->sizeHint().width());
    }
}

}  // namespace detail

// Problems in the visible part of root's tree, one line each; empty when the layout is sound.
inline QStringList layoutProblems(QWidget& root) {
    QStringList problems;
    std::vector<QWidget*> all{&root};
    for (QWidget* w : root.findChildren<QWidget*>()) all.push_back(w);
    for (QWidget* widget : all) {
        if (!widget->isVisibleTo(&root) && widget != &root) continue;
        if (detail::isQtInternal(widget)) continue;
        if (auto* label = qobject_cast<QLabel*>(widget)) detail::checkLabel(label, problems);
        QLayout* layout = widget->layout();
        if (!layout) continue;
        std::vector<QWidget*> placed;
        detail::laidOutWidgets(layout, placed);
        const QRect inside = widget->rect();
        for (size_t i = 0; i < placed.size(); ++i) {
            QWidget* a = placed[i];
            if (!inside.contains(a->geometry()))
                problems << QStringLiteral("outside its parent: %1 at %2 in %3")
                                .arg(detail::describe(a), detail::rectText(a->geometry()), detail::rectText(inside));
            const QSize smallest = detail::smallestAllowed(a);
            if (a->width() + 1 < smallest.width() || a->height() + 1 < smallest.height())
                problems << QStringLiteral("squeezed: %1 is %2x%3, needs %4x%5")
                                .arg(detail::describe(a)).arg(a->width()).arg(a->height())
                                .arg(smallest.width()).arg(smallest.height());
            for (size_t j = i + 1; j < placed.size(); ++j) {
                QWidget* b = placed[j];
                if (a->geometry().intersects(b->geometry()))
                    problems << QStringLiteral("overlap: %1 at %2 and %3 at %4")
                                    .arg(detail::describe(a), detail::rectText(a->geometry()), detail::describe(b),
                                         detail::rectText(b->geometry()));
            }
        }
    }
    return problems;
}

// Columns of a table narrower than their header or their widest cell, the stretched one left
// out (it elides on purpose).
inline QStringList cutColumns(QTableView& view, int stretchedColumn) {
    QStringList problems;
    QHeaderView* header = view.horizontalHeader();
    for (int column = 0; column < view.model()->columnCount(); ++column) {
        if (column == stretchedColumn || header->isSectionHidden(column)) continue;
        const int needed =
            std::max(static_cast<QAbstractItemView&>(view).sizeHintForColumn(column), header->sectionSizeHint(column));
        if (header->sectionSize(column) < needed)
            problems << QStringLiteral("column cut: %1 column \"%2\" is %3 px, needs %4")
                            .arg(view.objectName(), view.model()->headerData(column, Qt::Horizontal).toString())
                            .arg(header->sectionSize(column)).arg(needed);
    }
    return problems;
}

// The widget is shown and all of it can be seen in its window: nothing of it is cut off by
// the window's edge or by an ancestor. Inside a scroll area it is first scrolled to, as a user
// would.
inline bool fullyVisible(QWidget& widget, QString* why = nullptr) {
    const auto fail = [&](const QString& reason) {
        if (why) *why = detail::describe(&widget) + ": " + reason;
        return false;
    };
    if (!widget.isVisible()) return fail(QStringLiteral("hidden"));
    // All of the widget, not only its text cursor as ensureWidgetVisible would for a text edit.
    for (QWidget* up = widget.parentWidget(); up; up = up->parentWidget())
        if (auto* scroll = qobject_cast<QScrollArea*>(up); scroll && scroll->widget()) {
            const QRect r(widget.mapTo(scroll->widget(), QPoint(0, 0)), widget.size());
            scroll->ensureVisible(r.center().x(), r.center().y(), r.width() / 2 + 1, r.height() / 2 + 1);
        }
    QWidget* window = widget.window();
    QRect seen = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size());
    const QRect full = seen;
    for (QWidget* up = widget.parentWidget(); up; up = up->parentWidget())
        seen &= QRect(up->mapTo(window, QPoint(0, 0)), up->size());
    if (seen != full)
        return fail(QStringLiteral("only %1 of %2 can be seen in the %3x%4 window")
                        .arg(detail::rectText(seen), detail::rectText(full))
                        .arg(window->width()).arg(window->height()));
    return true;
}

}  // namespace pagoda::test
