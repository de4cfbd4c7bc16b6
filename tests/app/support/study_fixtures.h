// Studies made up in memory for the app tests: the three-stage shape of the published study.
#pragma once

#include "app/study/study.h"

#include <chrono>
#include <utility>

namespace gb::test {

/// Baseline, transparent proxy and full load: 4 connections for 2 s, 3 repeats each.
inline app::Study threeStages()
{
    using namespace std::chrono_literals;
    using app::GatewayKind;
    app::Study s;
    s.name = QStringLiteral("test study");
    for (auto [name, kind] :
         {std::pair{QStringLiteral("Baseline"), GatewayKind::None},
          std::pair{QStringLiteral("Transparent proxy"), GatewayKind::BundledKeyless},
          std::pair{QStringLiteral("Full load"), GatewayKind::BundledFull}}) {
        app::StudyStage stage;
        stage.name = name;
        stage.scenario.name = name.toLower();
        stage.scenario.gateway.kind = kind;
        stage.scenario.load.connections = 4;
        stage.scenario.load.duration = 2s;
        stage.repeats = 3;
        s.stages.append(stage);
    }
    return s;
}

} // namespace gb::test
