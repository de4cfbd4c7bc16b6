#include "gateway/storage/storage_health.h"

namespace gb::gateway {

std::string_view storageStateName(StorageState s) noexcept
{
    switch (s) {
    case StorageState::Connecting:
        return "connecting";
    case StorageState::Up:
        return "up";
    case StorageState::Down:
        return "down";
    case StorageState::Stopped:
        return "stopped";
    }
    return "unknown";
}

} // namespace gb::gateway
