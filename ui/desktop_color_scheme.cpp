#include "ui/desktop_color_scheme.h"

#include <QCoreApplication>

#ifdef PAGODA_HAVE_QTDBUS
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#endif

namespace pagoda::ui {

#ifdef PAGODA_HAVE_QTDBUS

namespace {

const QString kService = QStringLiteral("org.freedesktop.portal.Desktop");
const QString kPath = QStringLiteral("/org/freedesktop/portal/desktop");
const QString kInterface = QStringLiteral("org.freedesktop.portal.Settings");
const QString kNamespace = QStringLiteral("org.freedesktop.appearance");
const QString kKey = QStringLiteral("color-scheme");

// The portal's values: 0 no preference, 1 prefer dark, 2 prefer light. Read() wraps the
// value in one variant more than SettingChanged does, so unwrap as many as there are.
std::optional<bool> schemeFrom(QVariant value) {
    while (value.metaType() == QMetaType::fromType<QDBusVariant>()) value = qvariant_cast<QDBusVariant>(value).variant();
    bool ok = false;
    const uint scheme = value.toUInt(&ok);
    if (!ok || (scheme != 1 && scheme != 2)) return std::nullopt;
    return scheme == 1;
}

class PortalWatcher : public QObject {
    Q_OBJECT
public:
    explicit PortalWatcher(std::function<void(std::optional<bool>)> onChange)
        : QObject(QCoreApplication::instance()), m_onChange(std::move(onChange)) {}

public slots:
    void settingChanged(const QString& ns, const QString& key, const QDBusVariant& value) {
        if (ns == kNamespace && key == kKey) m_onChange(schemeFrom(QVariant::fromValue(value)));
    }

public:
    std::function<void(std::optional<bool>)> m_onChange;
};

}  // namespace

void watchDesktopColorScheme(std::function<void(std::optional<bool>)> onChange) {
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !QCoreApplication::instance()) return;
    auto* watcher = new PortalWatcher(std::move(onChange));
    bus.connect(kService, kPath, kInterface, QStringLiteral("SettingChanged"), watcher,
                SLOT(settingChanged(QString, QString, QDBusVariant)));
    QDBusMessage read = QDBusMessage::createMethodCall(kService, kPath, kInterface, QStringLiteral("Read"));
    read << kNamespace << kKey;
    auto* pending = new QDBusPendingCallWatcher(bus.asyncCall(read), watcher);
    QObject::connect(pending, &QDBusPendingCallWatcher::finished, watcher, [watcher](QDBusPendingCallWatcher* call) {
        call->deleteLater();
        const QDBusMessage reply = call->reply();
        // No portal, or one without the key: the desktop does not say.
        if (reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty())
            watcher->m_onChange(schemeFrom(reply.arguments().first()));
    });
}

#else

void watchDesktopColorScheme(std::function<void(std::optional<bool>)>) {}

#endif

}  // namespace pagoda::ui

#ifdef PAGODA_HAVE_QTDBUS
#include "desktop_color_scheme.moc"
#endif
