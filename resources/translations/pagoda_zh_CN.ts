<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>QObject</name>
    <message>
        <location filename="../../app/chat/remote_chat_generator.cpp" line="+35"/>
        <source>%1 answered %2: %3</source>
        <translation>%1 返回了 %2：%3</translation>
    </message>
</context>
<context>
    <name>pagoda::Backends</name>
    <message>
        <location filename="../../app/host/engine_settings.cpp" line="+44"/>
        <source>no NVIDIA driver</source>
        <translation>未找到 NVIDIA 驱动</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NVIDIA driver too old</source>
        <translation>NVIDIA 驱动版本过旧</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no CUDA device</source>
        <translation>没有可用的 CUDA 设备</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>the CUDA backend is not part of this build</source>
        <translation>此版本未包含 CUDA 后端</translation>
    </message>
</context>
<context>
    <name>pagoda::FirstRunProposal</name>
    <message>
        <location filename="../../app/desktop/first_run_proposal.cpp" line="+103"/>
        <source>%1 is the largest pick that fits the memory for models (%2); it runs on the NVIDIA GPU.</source>
        <translation>%1 是能放进模型可用内存（%2）的最大推荐模型；它将在 NVIDIA GPU 上运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 fits in the %2 of memory available to models and should answer at about %3 tokens/s on this CPU; larger picks would not fit or would be slower than %4 tokens/s.</source>
        <translation>%1 可放进模型可用的 %2 内存，在这颗 CPU 上约每秒生成 %3 个 token；更大的推荐模型要么放不下，要么慢于每秒 %4 个 token。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No pick reaches %1 tokens/s on this CPU (it reads memory at about %2 GB/s), so the fastest one is proposed: %3, at about %4 tokens/s.</source>
        <translation>在这颗 CPU 上（内存读取约 %2 GB/s），没有推荐模型能达到每秒 %1 个 token，因此推荐最快的一个：%3，约每秒 %4 个 token。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Even the smallest pick, %1, is tight for the %2 of memory available to models; close other programs first.</source>
        <translation>即使最小的推荐模型 %1，对模型可用的 %2 内存来说也很紧张；请先关闭其他程序。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>memory</source>
        <translation>内存</translation>
    </message>
</context>
<context>
    <name>pagoda::ModelLoader</name>
    <message>
        <location filename="../../app/host/model_loader.cpp" line="+22"/>
        <source>%1 loaded in %2 s</source>
        <translation>%1 已加载，用时 %2 秒</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>%1 is not ready to load</source>
        <translation>%1 尚未就绪，无法加载</translation>
    </message>
</context>
<context>
    <name>pagoda::chat::LocalChatGenerator</name>
    <message>
        <location filename="../../app/chat/local_chat_generator.cpp" line="+26"/>
        <source>No model is loaded. Load one on the Models page.</source>
        <translation>未加载模型。请在“模型”页面加载一个模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This model&apos;s chat template cannot be used, so it cannot chat: %1</source>
        <translation>此模型的对话模板无法使用，因此不能聊天：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This model has no chat template, so it cannot chat.</source>
        <translation>此模型没有对话模板，无法用于聊天。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>This conversation is %1 tokens, longer than the model&apos;s context of %2 tokens. Start a new chat, or raise the context length in Settings.</source>
        <translation>此对话长 %1 个 token，超出了模型 %2 个 token 的上下文。请新建对话，或在设置中提高上下文长度。</translation>
    </message>
</context>
<context>
    <name>pagoda::chat::RemoteChatGenerator</name>
    <message>
        <location filename="../../app/chat/remote_chat_generator.cpp" line="+28"/>
        <source>%1 lists no models</source>
        <translation>%1 未列出任何模型</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::AppPreferencesPanel</name>
    <message>
        <location filename="../../ui/settings/app_preferences_panel.cpp" line="+16"/>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Takes effect when Pagoda is restarted.</source>
        <translation>重启 Pagoda 后生效。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep the API running in the tray when the window closes</source>
        <translation>关闭窗口时在系统托盘中保持 API 运行</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ChatPage</name>
    <message>
        <location filename="../../ui/chat/chat_page.cpp" line="+96"/>
        <source>Chat settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System prompt, sampling and model for this chat</source>
        <translation>此对话的系统提示词、采样参数和模型</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Load a model on the Models page</source>
        <translation>请在“模型”页面加载模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use a remote server…</source>
        <translation>使用远程服务…</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No model is loaded and this chat has no remote endpoint, so nothing can answer.</source>
        <translation>未加载模型，且此对话没有设置远程端点，无法生成回答。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Models</source>
        <translation>前往模型页</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答 (Esc)</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>A model is loading; you can start as soon as it is ready.</source>
        <translation>模型正在加载，就绪后即可开始。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model could not be loaded: %1</source>
        <translation>模型加载失败：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Load a model on the Models page to start chatting, or enter a remote endpoint in this chat&apos;s settings.</source>
        <translation>请在“模型”页面加载模型以开始聊天，或在此对话的设置中填写远程端点。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ChatSettingsPanel</name>
    <message>
        <location filename="../../ui/chat/chat_settings_panel.cpp" line="+51"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For example: You are a concise assistant. Answer in English.</source>
        <translation>例如：你是一个简洁的助手。请用中文回答。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Higher is more varied, lower more predictable; 0 always picks the likeliest token</source>
        <translation>越高越多样，越低越可预测；为 0 时总是选择概率最高的 token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Only tokens within this share of the probability are considered</source>
        <translation>只考虑累计概率在此范围内的 token</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The longest answer, in tokens (thinking included)</source>
        <translation>回答的最大长度，以 token 计（含思考过程）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Think before answering</source>
        <translation>先思考再回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Qwen3&apos;s thinking mode; other models ignore it</source>
        <translation>Qwen3 的思考模式；其他模型会忽略此项</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Top P</source>
        <translation>Top P</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max tokens</source>
        <translation>最大 token 数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Leave the URL empty to use the model loaded in Pagoda, or enter any OpenAI-compatible server (vLLM, Ollama, another Pagoda).</source>
        <translation>URL 留空则使用 Pagoda 中已加载的模型；也可填写任意 OpenAI 兼容服务（vLLM、Ollama 或另一个 Pagoda）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>as the server names it</source>
        <translation>服务端使用的模型名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Precise</source>
        <translation>精确</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::CodeBlockWidget</name>
    <message>
        <location filename="../../ui/chat/code_block_widget.cpp" line="+39"/>
        <location line="+46"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Copy the code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::Composer</name>
    <message>
        <location filename="../../ui/chat/composer.cpp" line="+16"/>
        <source>Message… (Enter to send, Shift+Enter for a new line)</source>
        <translation>输入消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ConversationSidebar</name>
    <message>
        <location filename="../../ui/chat/conversation_sidebar.cpp" line="+47"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Start a new chat (%1)</source>
        <translation>新建对话 (%1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1
Last message: %2</source>
        <translation>%1
最后一条消息：%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No chats match</source>
        <translation>没有匹配的对话</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Could not open the chat</source>
        <translation>无法打开对话</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rename chat</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Delete chat</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete “%1” and all its messages? This cannot be undone.</source>
        <translation>删除“%1”及其所有消息？此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Export chat</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::DownloadRow</name>
    <message>
        <location filename="../../ui/models/download_row.cpp" line="+35"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop for now; the downloaded part is kept.</source>
        <translation>暂时停止，已下载的部分会保留。</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+47"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="-47"/>
        <source>Continue where it stopped.</source>
        <translation>从中断处继续下载。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Stop and delete what was downloaded.</source>
        <translation>停止并删除已下载的内容。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dismiss</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Remove from this list.</source>
        <translation>从列表中移除。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 of %2 files</source>
        <translation>%1 / %2 个文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>in your library</source>
        <translation>已加入我的模型</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::DownloadsPanel</name>
    <message>
        <location filename="../../ui/models/downloads_panel.cpp" line="+12"/>
        <source>No downloads. Pick a model above and press Download.</source>
        <translation>暂无下载。在上方选择一个模型，然后点击“下载”。</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>Could not download %1: %2</source>
        <translation>无法下载 %1：%2</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::EngineSettingsPanel</name>
    <message>
        <location filename="../../ui/settings/engine_settings_panel.cpp" line="+34"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CUDA (NVIDIA GPU)</source>
        <translation>CUDA (NVIDIA GPU)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>CUDA is unavailable: %1.</source>
        <translation>CUDA 不可用：%1。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>auto (as long as memory holds)</source>
        <translation>自动（内存允许的最大值）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Longest prompt plus answer in tokens; 0 lets the memory budget decide.</source>
        <translation>提示词与回答合计的最大 token 数；0 表示由内存预算决定。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max context length</source>
        <translation>最大上下文长度</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>How many chats and API requests the engine runs together.</source>
        <translation>引擎同时处理的对话和 API 请求数量。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max concurrent sequences</source>
        <translation>最大并发序列数</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>None (as stored)</source>
        <translation>不量化（按原样）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>int8</source>
        <translation>int8</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>int4</source>
        <translation>int4</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>16-bit models on the CPU</source>
        <translation>CPU 上的 16 位模型</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>Weights as stored: the best quality; every token reads all 2 bytes of each weight.</source>
        <translation>按原样保存的权重：质量最好；每生成一个 token 都要读取每个权重的全部 2 个字节。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Converted to 8 bits when loading: half the memory and nearly twice the speed of 16 bits, with a barely measurable loss of quality.</source>
        <translation>加载时转换为 8 位：内存减半，速度接近 16 位的两倍，质量损失几乎可以忽略。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Converted to 4 bits when loading: under a third of the memory and up to three times the speed of 16 bits, with a small loss of quality.</source>
        <translation>加载时转换为 4 位：内存不到三分之一，速度最高可达 16 位的三倍，质量略有损失。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not on CUDA: the GPU runs models in 16 bits.</source>
        <translation>不适用于 CUDA：GPU 以 16 位运行模型。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No effect on %1: it is a GGUF model, quantized already.</source>
        <translation>对 %1 无效：它是 GGUF 模型，已经量化。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No effect on GGUF models: they are quantized already.</source>
        <translation>对 GGUF 模型无效：它们已经量化。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>GPU memory utilization</source>
        <translation>GPU 显存利用率</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Memory budget</source>
        <translation>内存预算</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 % (%2 of %3)</source>
        <translation>%1%（%2 / %3）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 %</source>
        <translation>%1%</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Load a model to see the estimate.</source>
        <translation>加载模型后即可查看估算。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Not enough: the weights (%1) and working memory (%2) of %3 need more than the budget of %4. Raise the budget or choose a smaller model.</source>
        <translation>内存不足：%3 的权重（%1）和运行内存（%2）超出了 %4 的预算。请提高预算或选择更小的模型。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1: weights %2 · KV cache %3 (%4 tokens) · max context %5 tokens</source>
        <translation>%1：权重 %2 · KV 缓存 %3（%4 个 token）· 最大上下文 %5 个 token</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Saved. The settings apply to the next model you load.</source>
        <translation>已保存。设置将在下次加载模型时生效。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reloading %1…</source>
        <translation>正在重新加载 %1…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The model did not load: %1</source>
        <translation>模型未能加载：%1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>KV cache: %1 blocks, max context %2 tokens.</source>
        <translation>KV 缓存：%1 个块，最大上下文 %2 个 token。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::HubChoice</name>
    <message>
        <location filename="../../ui/models/hub_choice.cpp" line="+29"/>
        <source>ModelScope</source>
        <translation>ModelScope 魔搭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face (hf-mirror.com)</source>
        <translation>Hugging Face 镜像 (hf-mirror.com)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Hugging Face</source>
        <translation>Hugging Face</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::HubSearchPanel</name>
    <message>
        <location filename="../../ui/models/hub_search_panel.cpp" line="+43"/>
        <source>Where models are searched and downloaded from. ModelScope and hf-mirror.com are usually faster in mainland China; your Hugging Face token is never sent to the mirror.</source>
        <translation>模型的搜索和下载来源。在中国大陆，ModelScope 和 hf-mirror.com 通常更快；你的 Hugging Face token 不会发送给镜像站。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Search models, e.g. Qwen3 or glm-4 (empty: Pagoda&apos;s picks)</source>
        <translation>搜索模型，如 Qwen3 或 glm-4（留空显示 Pagoda 精选）</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>More results</source>
        <translation>更多结果</translation>
    </message>
    <message>
        <location line="+61"/>
        <source>Pagoda&apos;s picks: chat models this build runs. &quot;This machine&quot; says whether each fits the memory available now at an 8K-token context.</source>
        <translation>Pagoda 精选：此版本可运行的聊天模型。“本机”一栏表示在 8K token 上下文下，各模型能否在当前可用内存中运行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The built-in model list could not be read: %1</source>
        <translation>无法读取内置模型列表：%1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Searching %1…</source>
        <translation>正在搜索 %1…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Could not search %1: %2</source>
        <translation>无法搜索 %1：%2</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Models on %1 matching &quot;%2&quot;, most downloaded first.</source>
        <translation>%1 上匹配“%2”的模型，按下载量从高到低排列。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No models on %1 match &quot;%2&quot;.</source>
        <translation>%1 上没有匹配“%2”的模型。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::LibraryModel</name>
    <message>
        <location filename="../../ui/models/library_model.cpp" line="+58"/>
        <source>loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory (8K)</source>
        <translation>内存 (8K)</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::LibraryPanel</name>
    <message>
        <location filename="../../ui/models/library_panel.cpp" line="+54"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load into the engine with the engine settings; the chat and the API use it.</source>
        <translation>按引擎设置加载到引擎中，供聊天和 API 使用。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check files</source>
        <translation>校验文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Re-hash every file against the hub&apos;s checksums. Reads the whole model.</source>
        <translation>按模型站提供的校验和重新校验每个文件，需要读取整个模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a model folder from disk (config.json and safetensors); its files stay where they are.</source>
        <translation>从磁盘添加模型文件夹（含 config.json 和 safetensors），文件保留在原位置。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Remove %1 from the library? Its files stay in %2.</source>
        <translation>从我的模型中移除 %1？其文件仍保留在 %2。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete %1? This deletes %2 in %3.</source>
        <translation>删除 %1？这将删除 %3 中 %2 的文件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete model</source>
        <translation>删除模型</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Deleting %1…</source>
        <translation>正在删除 %1…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 was removed.</source>
        <translation>已移除 %1。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Checking the files of %1…</source>
        <translation>正在校验 %1 的文件…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The files of %1 are intact.</source>
        <translation>%1 的文件完好无损。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Import a model folder</source>
        <translation>导入模型文件夹</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 was added to the library.</source>
        <translation>已将 %1 添加到我的模型。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No model is loaded.</source>
        <translation>未加载模型。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loaded: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>已加载：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No model is loaded: the last load failed.</source>
        <translation>未加载模型：上次加载失败。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::MainWindow</name>
    <message>
        <location filename="../../ui/main_window.cpp" line="+47"/>
        <location line="+101"/>
        <source>Pagoda</source>
        <translation>Pagoda</translation>
    </message>
    <message>
        <location line="-84"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Server</source>
        <translation>服务</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>The API did not start: %1</source>
        <translation>API 未能启动：%1</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Open Pagoda</source>
        <translation>打开 Pagoda</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Pagoda is still serving</source>
        <translation>Pagoda 仍在提供服务</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The API stays on at %1. Quit from the tray icon.</source>
        <translation>API 仍在 %1 上运行。如需退出，请使用系统托盘图标。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::MessageListView</name>
    <message>
        <location filename="../../ui/chat/message_list_view.cpp" line="+53"/>
        <source>Ask anything. Answers stream in as they are written.</source>
        <translation>有问题尽管问，回答会边生成边显示。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::MessageWidget</name>
    <message>
        <location filename="../../ui/chat/message_widget.cpp" line="+86"/>
        <source>Save &amp;&amp; resend</source>
        <translation>保存并重新发送</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sends the edited message as a new branch; the old one stays (Ctrl+Enter)</source>
        <translation>将编辑后的消息作为新分支发送，原消息会保留 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Previous version</source>
        <translation>上一版本</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Next version</source>
        <translation>下一版本</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Copy the message as Markdown</source>
        <translation>以 Markdown 格式复制消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answer again; this answer stays as another version</source>
        <translation>重新回答；当前回答会保留为另一个版本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit and resend; the original stays as another version</source>
        <translation>编辑并重新发送；原消息会保留为另一个版本</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 tok/s</source>
        <translation>%1 tok/s</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TTFT %1 s</source>
        <translation>TTFT %1 秒</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>context %1 / %2 tokens</source>
        <translation>上下文 %1 / %2 token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>context %1 tokens</source>
        <translation>上下文 %1 token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>stopped at the token limit</source>
        <translation>已达到 token 上限</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ModelDetailsPanel</name>
    <message>
        <location filename="../../ui/models/model_details_panel.cpp" line="+56"/>
        <source>Licence:</source>
        <translation>许可证：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Revision:</source>
        <translation>修订版本：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download:</source>
        <translation>下载大小：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory:</source>
        <translation>内存：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Longest context:</source>
        <translation>最长上下文：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+57"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Added to downloads</source>
        <translation>已加入下载</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No model selected</source>
        <translation>未选择模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pick a model to see its files, its download size and whether it fits this machine.</source>
        <translation>选择一个模型，查看其文件、下载大小以及能否在本机运行。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>not stated</source>
        <translation>未注明</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>about %1</source>
        <translation>约 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Reading the file list from %1…</source>
        <translation>正在从 %1 读取文件列表…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not read the files of %1: %2</source>
        <translation>无法读取 %1 的文件：%2</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 parameters</source>
        <translation>%1 参数</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This model is gated: accept its terms on the hub&apos;s website and set HF_TOKEN before downloading.</source>
        <translation>此模型为受限模型：下载前请先在模型站网站上接受其条款，并设置 HF_TOKEN。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+14"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message numerus="yes">
        <location line="-10"/>
        <source>%1 in %n file(s)</source>
        <translation>
            <numerusform>%1，共 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+14"/>
        <source>%1 at an 8K-token context: &lt;b style=&quot;color:%2&quot;&gt;%3&lt;/b&gt; (%4 available now)</source>
        <translation>8K token 上下文下需要 %1：&lt;b style=&quot;color:%2&quot;&gt;%3&lt;/b&gt;（当前可用 %4）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>(the model allows %1)</source>
        <translation>（模型支持 %1）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>at least %1 for the weights and the engine (%2 available now); the KV cache is added once the model&apos;s configuration is read after download</source>
        <translation>权重和引擎至少需要 %1（当前可用 %2）；下载后读取到模型配置时，会再计入 KV 缓存</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>known after download</source>
        <translation>下载后可知</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>known once the file list is read</source>
        <translation>读取文件列表后可知</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ModelTexts</name>
    <message>
        <location filename="../../ui/models/model_texts.cpp" line="+15"/>
        <source>fits</source>
        <translation>可运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>tight</source>
        <translation>勉强</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>won&apos;t fit</source>
        <translation>内存不足</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>incomplete</source>
        <translation>不完整</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unsupported</source>
        <translation>不支持</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Pagoda</source>
        <translation>Pagoda</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hugging Face cache</source>
        <translation>Hugging Face 缓存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ModelScope cache</source>
        <translation>ModelScope 缓存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>imported</source>
        <translation>已导入</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>built in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Preparing</source>
        <translation>准备中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 h %2 min left</source>
        <translation>剩余 %1 小时 %2 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 min %2 s left</source>
        <translation>剩余 %1 分 %2 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 tokens</source>
        <translation>%1 个 token</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ModelsPage</name>
    <message>
        <location filename="../../ui/models/models_page.cpp" line="+30"/>
        <source>My models</source>
        <translation>我的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+24"/>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Downloads (%1)</source>
        <translation>下载 (%1)</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::PerformanceView</name>
    <message>
        <location filename="../../ui/status/performance_view.cpp" line="+17"/>
        <source>Performance</source>
        <translation>性能</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+10"/>
        <source>Tokens/s</source>
        <translation>Tokens/s</translation>
    </message>
    <message>
        <location line="-8"/>
        <location line="+11"/>
        <source>KV cache %</source>
        <translation>KV 缓存 %</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Seconds</source>
        <translation>秒</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ResultsModel</name>
    <message>
        <location filename="../../ui/models/results_model.cpp" line="+105"/>
        <source>Memory counts the weights only until the model&apos;s configuration is known.</source>
        <translation>在获取模型配置之前，内存估算仅包含权重。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>[gated]</source>
        <translation>[受限]</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>weights fit</source>
        <translation>权重可容纳</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloads</source>
        <translation>下载量</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory (8K)</source>
        <translation>内存 (8K)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This machine</source>
        <translation>本机</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ServerPage</name>
    <message>
        <location filename="../../ui/server/server_page.cpp" line="+34"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Load a model first: the API serves the model that is loaded.</source>
        <translation>请先加载模型：API 提供的是当前已加载的模型。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Start the API whenever a model is loaded</source>
        <translation>模型加载后自动启动 API</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Requests to the API appear here.</source>
        <translation>API 收到的请求会显示在这里。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Requests</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This computer only (127.0.0.1)</source>
        <translation>仅本机 (127.0.0.1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Local network (0.0.0.0)</source>
        <translation>局域网 (0.0.0.0)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Anyone on your network can use the model. Set an API key.</source>
        <translation>网络中的任何人都能使用此模型。请设置 API 密钥。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>none: no key needed</source>
        <translation>留空：无需密钥</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Allow web pages from any origin (CORS)</source>
        <translation>允许任意来源的网页访问 (CORS)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Listen on</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Use it</source>
        <translation>使用方法</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>curl</source>
        <translation>curl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Python (openai)</source>
        <translation>Python (openai)</translation>
    </message>
    <message>
        <location line="-76"/>
        <source>The API did not start: %1</source>
        <translation>API 未能启动：%1</translation>
    </message>
    <message>
        <location line="+133"/>
        <source>API on</source>
        <translation>API 已开启</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>API off</source>
        <translation>API 已关闭</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Serving at %1</source>
        <translation>服务地址：%1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>The API is off.</source>
        <translation>API 已关闭。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::StartAfterDownload</name>
    <message>
        <location filename="../../ui/models/start_after_download.cpp" line="+41"/>
        <source>The downloaded model is not in the library: %1</source>
        <translation>下载的模型不在我的模型中：%1</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::StatusPanel</name>
    <message>
        <location filename="../../ui/status/status_panel.cpp" line="+24"/>
        <source>Performance…</source>
        <translation>性能…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 did not load</source>
        <translation>%1 加载失败</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>KV cache %1 / %2 blocks (%3 %)</source>
        <translation>KV 缓存 %1 / %2 块 (%3%)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 tokens/s</source>
        <translation>%1 token/s</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ThoughtSection</name>
    <message>
        <location filename="../../ui/chat/thought_section.cpp" line="+55"/>
        <source>Thinking…</source>
        <translation>思考中…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Thought</source>
        <translation>思考过程</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::WelcomeDialog</name>
    <message>
        <location filename="../../ui/models/welcome_dialog.cpp" line="+44"/>
        <source>Welcome to Pagoda</source>
        <translation>欢迎使用 Pagoda</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>&lt;h3&gt;Welcome to Pagoda&lt;/h3&gt;Pagoda runs Qwen and GLM chat models on this computer; nothing you type leaves it. Start with a model that suits this machine:</source>
        <translation>&lt;h3&gt;欢迎使用 Pagoda&lt;/h3&gt;Pagoda 在本机运行 Qwen 和 GLM 聊天模型，你输入的任何内容都不会离开这台电脑。先选择一个适合本机的模型：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Meanwhile the tiny demo model that comes with Pagoda is loading, so you can chat right away: it writes poems and fortunes and knows nothing else.</source>
        <translation>与此同时，Pagoda 自带的小型演示模型正在加载，你现在就可以开始聊天：它只会写诗和讲格言，别的一概不知。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>%1 available of %2</source>
        <translation>可用 %1，共 %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>checking…</source>
        <translation>检测中…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 — %2 download, needs %3 (%4)</source>
        <translation>%1 — 下载 %2，需要 %3（%4）</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Memory:</source>
        <translation>内存：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>GPU:</source>
        <translation>GPU：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Download from:</source>
        <translation>下载来源：</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Download and start</source>
        <translation>下载并开始</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Try the demo model</source>
        <translation>先试试演示模型</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The built-in model list could not be read; find a model on the Models page.</source>
        <translation>无法读取内置模型列表；请在“模型”页面查找模型。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>NVIDIA GPU found: models run on it.</source>
        <translation>已检测到 NVIDIA GPU：模型将在 GPU 上运行。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none usable (%1): models run on the CPU.</source>
        <translation>无可用 GPU（%1）：模型在 CPU 上运行。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>%1 is 4-bit: about a third of the 16-bit download and memory, and about three times as fast on a CPU, for a small loss of quality.</source>
        <translation>%1 为 4 位量化：下载量和内存约为 16 位的三分之一，在 CPU 上快约三倍，质量略有损失。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Downloading %1. You can close this window: the model loads when the download ends, and the download continues on the Models page.</source>
        <translation>正在下载 %1。你可以关闭此窗口：下载完成后会自动加载模型，下载也会在“模型”页面继续进行。</translation>
    </message>
</context>
</TS>
