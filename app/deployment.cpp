#include "app/deployment.h"

#include <QUrl>

namespace gb::app {

QString originOf(const QString& url)
{
    return QUrl(url)
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::RemoveUserInfo)
        .toString();
}

} // namespace gb::app
