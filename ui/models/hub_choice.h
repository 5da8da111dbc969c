// The hub the model browser talks to: Hugging Face, ModelScope, or Hugging Face through the
// hf-mirror.com mirror, stored in the settings as "huggingface", "modelscope" or "mirror".
#pragma once

#include <QString>

#include "app/hub/hub_connection.h"

namespace pagoda::ui {

enum class HubChoice { HuggingFace, ModelScope, Mirror };

HubChoice hubChoiceFromSetting(const QString& setting);  // unknown values: Hugging Face
QString settingFor(HubChoice choice);
hub::HubKind hubKindOf(HubChoice choice);
QString hubChoiceTitle(HubChoice choice);  // for the switch, translated

// HubEndpoint::forChoice, which the CLI's --hub/--mirror use too, so both honour
// HF_ENDPOINT, tokens and the mirror rule alike.
hub::HubEndpoint endpointFor(HubChoice choice);

}  // namespace pagoda::ui
