// Column widths for the Models page's tables on a laptop-sized window: the name column takes
// the room that is left and shortens long names in the middle (owner and quantization both
// stay readable, the whole name is in the tooltip); the short columns are as wide as their
// contents, header included, so none of them is cut.
#pragma once

class QTableView;

namespace pagoda::ui {

void fitColumns(QTableView& view, int nameColumn);

}  // namespace pagoda::ui
