// Charts to an image file, without a window (works with QT_QPA_PLATFORM=offscreen).
#pragma once

#include <QSize>

#include <string>
#include <vector>

class QChart;

namespace rxpath::charts {

// Renders the charts one below the other, each `each` pixels, to FILE.png or FILE.svg, written to
// FILE.tmp and renamed. Throws ChartError on another extension or a failed write (and leaves no
// file behind).
void render(const std::vector<QChart*>& charts, const std::string& path, QSize each);

} // namespace rxpath::charts
