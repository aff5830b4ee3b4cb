#include "Render.hpp"

#include "ChartError.hpp"

#include <QChart>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSvgGenerator>

#include <algorithm>
#include <filesystem>

namespace rxpath::charts {

void render(const std::vector<QChart*>& charts, const std::string& path, QSize each) {
  const auto ext = std::filesystem::path(path).extension().string();
  if (ext != ".png" && ext != ".svg")
    throw ChartError(path + ": expected a file name ending in .png or .svg");
  const QSize total(each.width(), each.height() * static_cast<int>(std::max<size_t>(charts.size(), 1)));
  const std::string tmp = path + ".tmp";
  auto draw = [&](QPainter& painter) {
    painter.fillRect(QRect(QPoint(0, 0), total), Qt::white);
    for (size_t i = 0; i < charts.size(); ++i) {
      QGraphicsScene scene;
      scene.addItem(charts[i]);
      charts[i]->setGeometry(0, 0, each.width(), each.height());
      const QRectF target(0, static_cast<double>(each.height()) * static_cast<double>(i), each.width(),
                          each.height());
      scene.render(&painter, target, QRectF(0, 0, each.width(), each.height()));
      scene.removeItem(charts[i]);
    }
  };
  bool ok = false;
  if (ext == ".png") {
    QImage img(total, QImage::Format_ARGB32);
    QPainter painter(&img);
    painter.setRenderHint(QPainter::Antialiasing);
    draw(painter);
    painter.end();
    ok = img.save(QString::fromStdString(tmp), "PNG");
  } else {
    QSvgGenerator svg;
    svg.setFileName(QString::fromStdString(tmp));
    svg.setSize(total);
    svg.setViewBox(QRect(QPoint(0, 0), total));
    svg.setTitle(QStringLiteral("rxpath plot"));
    QPainter painter(&svg);
    ok = painter.isActive();
    draw(painter);
    ok = painter.end() && ok;
  }
  std::error_code ec;
  if (ok && std::filesystem::exists(tmp, ec)) {
    std::filesystem::rename(tmp, path, ec);
    if (!ec) return;
  }
  std::error_code ignored;
  std::filesystem::remove(tmp, ignored);
  throw ChartError(path + ": could not write the image" + (ec ? " (" + ec.message() + ")" : std::string()));
}

} // namespace rxpath::charts
