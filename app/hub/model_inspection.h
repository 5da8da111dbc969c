// What a model folder holds, whoever put it there: reads config.json, the index and the
// safetensors headers (never the weights) and fills a LocalModel's status and numbers.
// The library calls it for Pagoda folders, cache snapshots and imported folders alike.
#pragma once

#include "app/hub/local_model.h"

namespace pagoda::hub {

// A folder is a model candidate when it has a config.json, even a dangling link to one.
bool hasModelConfig(const QString& folder);

// Fills status, problem, architecture, parameters, dtype, sizeOnDisk, contextLength and
// shape of `model` from model.folder. Never throws; garbage gives Invalid with the reason.
void inspectModelFolder(LocalModel& model);

// Why the model in `folder` cannot chat, naming what is missing and where: a tokenizer
// (tokenizer.json or tokenizer.model) and a chat template (chat_template.jinja, or
// chat_template in tokenizer_config.json or chat_template.json). Empty when both are there,
// or for a GGUF file, which carries both in its metadata. Reads the folder.
QString missingChatFiles(const QString& folder);
// The same sentence from what a load found in `folder`.
QString cannotChatSentence(const QString& folder, bool hasTokenizer, bool hasChatTemplate);

// Bytes of the files the engine reads (config, tokenizer, weights) at the top of the
// folder, links followed once and each target counted once.
qint64 engineFilesSize(const QString& folder);

}  // namespace pagoda::hub
