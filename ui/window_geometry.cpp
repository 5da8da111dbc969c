#include "ui/window_geometry.h"

#include <algorithm>

namespace pagoda::ui {

namespace {
constexpr int kComfortableWidth = 1200;
constexpr int kComfortableHeight = 800;
constexpr double kMostOfTheScreen = 0.9;  // leaves a margin to see the desktop is still there
}  // namespace

QRect firstRunGeometry(const QRect& available) {
    const int width = std::min(kComfortableWidth, int(available.width() * kMostOfTheScreen));
    const int height = std::min(kComfortableHeight, int(available.height() * kMostOfTheScreen));
    QRect geometry(0, 0, width, height);
    geometry.moveCenter(available.center());
    return geometry;
}

}  // namespace pagoda::ui
