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
        <location filename="../../app/host/engine_settings.cpp" line="+45"/>
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
        <location filename="../../app/host/model_loader.cpp" line="+26"/>
        <source>The chat template of %1 cannot be used: %2</source>
        <translation>%1 的对话模板无法使用：%2</translation>
    </message>
    <message>
        <location line="+11"/>
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
    <name>pagoda::hub::FailureAdvice</name>
    <message>
        <location filename="../../app/hub/network_failure.cpp" line="+85"/>
        <source>Hugging Face or hf-mirror.com</source>
        <translation>Hugging Face 或 hf-mirror.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ModelScope or Hugging Face</source>
        <translation>ModelScope 或 Hugging Face</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ModelScope or hf-mirror.com</source>
        <translation>ModelScope 或 hf-mirror.com</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>set MODELSCOPE_API_TOKEN to a token of an account that may see it</source>
        <translation>请将 MODELSCOPE_API_TOKEN 设为有权查看该模型的账号的 token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>the mirror is never given your token: switch to Hugging Face with HF_TOKEN set</source>
        <translation>镜像站不会收到你的 token：请切换到 Hugging Face 并设置 HF_TOKEN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>accept its licence on its Hugging Face page and set HF_TOKEN to a token of that account</source>
        <translation>请在该模型的 Hugging Face 页面上接受其许可协议，并将 HF_TOKEN 设为该账号的 token</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>this model</source>
        <translation>此模型</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 cannot be reached: this computer seems to be offline, or its name server does not know the hub. Check the connection and retry, or switch to %2; behind a proxy, set HTTPS_PROXY.</source>
        <translation>无法连接 %1：这台电脑似乎已离线，或其 DNS 服务器无法解析该模型站。请检查网络连接后重试，或切换到 %2；如使用代理，请设置 HTTPS_PROXY。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 refused the connection, or a firewall turned it away. Retry later, or switch to %2; behind a proxy, set HTTPS_PROXY.</source>
        <translation>%1 拒绝了连接，或连接被防火墙拦截。请稍后重试，或切换到 %2；如使用代理，请设置 HTTPS_PROXY。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 did not answer in time: the connection is slow or blocked. Retry, or switch to %2; behind a proxy, set HTTPS_PROXY.</source>
        <translation>%1 未能及时响应：连接缓慢或被阻断。请重试，或切换到 %2；如使用代理，请设置 HTTPS_PROXY。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The connection to %1 broke off. Retry: downloads go on where they stopped.</source>
        <translation>与 %1 的连接已中断。请重试：下载会从中断处继续。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The secure connection to %1 failed: its certificate could not be verified, often because a proxy or firewall intercepts it. Set HTTPS_PROXY to your proxy, or switch to %2.</source>
        <translation>与 %1 的安全连接失败：无法验证其证书，通常是因为代理或防火墙拦截了连接。请将 HTTPS_PROXY 设为你的代理，或切换到 %2。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The proxy did not let the request through to %1. Check HTTPS_PROXY (or unset it) and retry.</source>
        <translation>代理未将请求转发到 %1。请检查 HTTPS_PROXY（或取消设置）后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 on %2 is gated or private: %3, then retry.</source>
        <translation>%2 上的 %1 是受限或私有模型：%3，然后重试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>ModelScope refused access to %1 (HTTP 403): %2, then retry.</source>
        <translation>ModelScope 拒绝访问 %1 (HTTP 403)：%2，然后重试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 refused access (HTTP 403): the token may be wrong, or not yet approved for %2; ask for access on its page and retry once it is granted.</source>
        <translation>%1 拒绝访问 (HTTP 403)：token 可能有误，或尚未获准访问 %2；请在其页面上申请访问权限，获批后再重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 has no such model (HTTP 404): check the name, or look for it on %2.</source>
        <translation>%1 上没有此模型 (HTTP 404)：请检查名称，或在 %2 上查找。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 has no model %3 (HTTP 404): check the name, or look for it on %2.</source>
        <translation>%1 上没有模型 %3 (HTTP 404)：请检查名称，或在 %2 上查找。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 is busy or having trouble (HTTP %3): retry in a few minutes, or switch to %2.</source>
        <translation>%1 繁忙或出现故障 (HTTP %3)：请几分钟后重试，或切换到 %2。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 answered HTTP %3: retry, or switch to %2.</source>
        <translation>%1 返回了 HTTP %3：请重试，或切换到 %2。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::AppPreferencesPanel</name>
    <message>
        <location filename="../../ui/settings/app_preferences_panel.cpp" line="+21"/>
        <source>Application</source>
        <translation>应用程序</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+61"/>
        <source>The new language applies after a restart.</source>
        <translation>新语言将在重启后生效。</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>Restart now</source>
        <translation>立即重启</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow the desktop</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Restarting…</source>
        <translation>正在重启…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Pagoda could not restart itself: quit and open it again.</source>
        <translation>Pagoda 无法自动重启：请退出后重新打开。</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Keep the API running in the tray when the window closes</source>
        <translation>关闭窗口时在系统托盘中保持 API 运行</translation>
    </message>
    <message>
        <location line="-30"/>
        <location line="+41"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ChatPage</name>
    <message>
        <location filename="../../ui/chat/chat_page.cpp" line="+107"/>
        <source>Chat settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>System prompt, sampling and model for this chat</source>
        <translation>此对话的系统提示词、采样参数和模型</translation>
    </message>
    <message>
        <location line="+39"/>
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
        <location line="+1"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask the question again</source>
        <translation>重新提问</translation>
    </message>
    <message>
        <location line="+12"/>
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
        <location line="+116"/>
        <source>Send (Enter)</source>
        <translation>发送 (Enter)</translation>
    </message>
    <message>
        <location line="-115"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答 (Esc)</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+23"/>
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
    <message>
        <location line="+5"/>
        <source>Sent as soon as the chat&apos;s model is loaded</source>
        <translation>此对话的模型加载完成后立即发送</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ChatSettingsPanel</name>
    <message>
        <location filename="../../ui/chat/chat_settings_panel.cpp" line="+51"/>
        <location line="+3"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <source>Sampling preset</source>
        <translation>采样预设</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="+30"/>
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
    <message>
        <location line="+74"/>
        <source>%1 has no thinking mode: its chat template has no enable_thinking switch and no &lt;think&gt; block</source>
        <translation>%1 没有思考模式：其对话模板中既没有 enable_thinking 开关，也没有 &lt;think&gt; 块</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This model</source>
        <translation>此模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model thinks first, in a block shown folded above its answer</source>
        <translation>模型先进行思考，思考内容折叠显示在回答上方</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>For models with a thinking mode (Qwen3); a server receives it only once you change it here</source>
        <translation>适用于具有思考模式的模型（如 Qwen3）；只有在此处更改后，服务才会收到此设置</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::CodeBlockWidget</name>
    <message>
        <location filename="../../ui/chat/code_block_widget.cpp" line="+39"/>
        <location line="+47"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Copy the code</source>
        <translation>复制代码</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location line="+19"/>
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
        <location filename="../../ui/chat/composer.cpp" line="+18"/>
        <source>Message… (Enter to send, Shift+Enter for a new line)</source>
        <translation>输入消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter sends, Shift+Enter starts a new line</source>
        <translation>Enter 发送，Shift+Enter 换行</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ConversationSidebar</name>
    <message>
        <location filename="../../ui/chat/conversation_sidebar.cpp" line="+51"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start a new chat (%1)</source>
        <translation>新建对话 (%1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search chats (%1)</source>
        <translation>搜索对话 (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finds chats by title or message text; Esc clears</source>
        <translation>按标题或消息内容查找对话；按 Esc 清除</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Chats</source>
        <translation>对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enter opens the chat, F2 renames it, Delete deletes it</source>
        <translation>Enter 打开对话，F2 重命名，Delete 删除</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keyboard shortcuts (%1)</source>
        <translation>键盘快捷键 (%1)</translation>
    </message>
    <message>
        <location line="+60"/>
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
        <location line="+23"/>
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
        <location line="+2"/>
        <source>Exported the chat to %1</source>
        <translation>已将对话导出到 %1</translation>
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
        <location line="+11"/>
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
        <location line="+16"/>
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
        <location line="+19"/>
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
        <location filename="../../ui/models/download_row.cpp" line="+37"/>
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
        <location line="+52"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location line="-52"/>
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
        <location line="+15"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::DownloadsPanel</name>
    <message>
        <location filename="../../ui/models/downloads_panel.cpp" line="+13"/>
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
    <name>pagoda::ui::EmptyChatSuggestions</name>
    <message>
        <location filename="../../ui/chat/empty_chat_suggestions.cpp" line="+12"/>
        <source>Explain how large language models work, simply</source>
        <translation>用通俗的话解释大语言模型的工作原理</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write a Python function that checks for palindromes</source>
        <translation>写一个判断回文的 Python 函数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draft a polite email asking to move a meeting</source>
        <translation>起草一封礼貌的邮件，请求改期会议</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plan a three-day trip to Kyoto</source>
        <translation>规划一次京都三日游</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Try asking:</source>
        <translation>试着问问：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Put this in the message box to edit or send</source>
        <translation>填入消息框，可编辑或直接发送</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::EngineSettingsPanel</name>
    <message>
        <location filename="../../ui/settings/engine_settings_panel.cpp" line="+44"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location line="+9"/>
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
        <location line="-13"/>
        <location line="+18"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Memory for the engine</source>
        <translation>引擎可用内存</translation>
    </message>
    <message>
        <location line="+41"/>
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
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="+112"/>
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
        <source>System memory budget</source>
        <translation>系统内存预算</translation>
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
        <location line="+20"/>
        <source>Free now: %1, plus %2 the loaded model gives back when it reloads.</source>
        <translation>当前空闲：%1，另有已加载模型在重新加载时释放的 %2。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Free now: %1.</source>
        <translation>当前空闲：%1。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Lower the budget to %1 % or less, or close other programs first.</source>
        <translation>请将预算降至 %1% 或更低，或先关闭其他程序。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close other programs first.</source>
        <translation>请先关闭其他程序。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 is more than the %2 free now: the system will swap and slow down, or the model will fail to load. %3</source>
        <translation>%1 超过了当前空闲的 %2：系统将使用交换空间而变慢，或模型无法加载。%3</translation>
    </message>
    <message>
        <location line="+9"/>
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
        <location line="+6"/>
        <source>Sequences at the full context at once: %1, as many as the limit below allows; %2 of the budget is more than they can use and stays with the system.</source>
        <translation>可同时使用完整上下文的序列数：%1，已达下方上限；预算中有 %2 超出它们所需，将留给系统使用。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sequences at the full context at once: %1.</source>
        <translation>可同时使用完整上下文的序列数：%1。</translation>
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
        <location filename="../../ui/models/hub_search_panel.cpp" line="+44"/>
        <source>Where models are searched and downloaded from. ModelScope and hf-mirror.com are usually faster in mainland China; your Hugging Face token is never sent to the mirror.</source>
        <translation>模型的搜索和下载来源。在中国大陆，ModelScope 和 hf-mirror.com 通常更快；你的 Hugging Face token 不会发送给镜像站。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Search the hub</source>
        <translation>搜索模型站</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search models, e.g. Qwen3 or glm-4 (empty: Pagoda&apos;s picks)</source>
        <translation>搜索模型，如 Qwen3 或 glm-4（留空显示 Pagoda 精选）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask the hub again</source>
        <translation>重新查询模型站</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Models found on the hub</source>
        <translation>在模型站上找到的模型</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>More results</source>
        <translation>更多结果</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Pagoda&apos;s picks: chat models this build runs. &quot;This machine&quot; says whether each fits the memory available now at an 8K-token context.</source>
        <translation>Pagoda 精选：此版本可运行的聊天模型。“本机”一栏表示在 8K token 上下文下，各模型能否在当前可用内存中运行。</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>The built-in model list could not be read: %1</source>
        <translation>无法读取内置模型列表：%1</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Searching %1…</source>
        <translation>正在搜索 %1…</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Could not search %1: %2</source>
        <translation>无法搜索 %1：%2</translation>
    </message>
    <message>
        <location line="-136"/>
        <source>Hub</source>
        <translation>模型站</translation>
    </message>
    <message>
        <location line="+168"/>
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
        <location filename="../../ui/models/library_model.cpp" line="+65"/>
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
        <location filename="../../ui/models/library_panel.cpp" line="+40"/>
        <source>Downloaded models</source>
        <translation>已下载的模型</translation>
    </message>
    <message>
        <location line="+16"/>
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
        <location line="+81"/>
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
        <location filename="../../ui/main_window.cpp" line="+57"/>
        <location line="+122"/>
        <source>Pagoda</source>
        <translation>Pagoda</translation>
    </message>
    <message>
        <location line="-103"/>
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
        <location line="+36"/>
        <source>The API did not start: %1</source>
        <translation>API 未能启动：%1</translation>
    </message>
    <message>
        <location line="+128"/>
        <source>There is no answer to regenerate yet</source>
        <translation>还没有可重新生成的回答</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Copied the last answer</source>
        <translation>已复制最后一条回答</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>There is no answer to copy yet</source>
        <translation>还没有可复制的回答</translation>
    </message>
    <message>
        <location line="-41"/>
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
        <location filename="../../ui/chat/message_list_view.cpp" line="+54"/>
        <source>Ask anything. Answers stream in as they are written.</source>
        <translation>有问题尽管问，回答会边生成边显示。</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::MessageWidget</name>
    <message>
        <location filename="../../ui/chat/message_widget.cpp" line="+101"/>
        <source>Save &amp;&amp; resend</source>
        <translation>保存并重新发送</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter to save and resend · Shift+Enter for a new line · Esc to cancel</source>
        <translation>Enter 保存并重新发送 · Shift+Enter 换行 · Esc 取消</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sends the edited message as a new branch; the old one stays (Enter)</source>
        <translation>将编辑后的消息作为新版本发送；原消息会保留 (Enter)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep the message as it was (Esc)</source>
        <translation>保留原消息不变 (Esc)</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+1"/>
        <source>Previous version</source>
        <translation>上一版本</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
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
        <location line="+5"/>
        <source>%1, version %2 of %3</source>
        <translation>%1，版本 %2 / %3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Version %1 of %2</source>
        <translation>版本 %1 / %2</translation>
    </message>
    <message>
        <location line="+16"/>
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
        <location filename="../../ui/models/model_details_panel.cpp" line="+87"/>
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <source>Weights:</source>
        <translation>权重：</translation>
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
        <location line="+1"/>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hub page:</source>
        <translation>模型站页面：</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Model files</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location line="-27"/>
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
        <location line="+91"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="-80"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Added to downloads</source>
        <translation>已加入下载</translation>
    </message>
    <message>
        <location line="+9"/>
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
        <location line="+22"/>
        <source>Reading the file list from %1…</source>
        <translation>正在从 %1 读取文件列表…</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Could not read the files of %1: %2</source>
        <translation>无法读取 %1 的文件：%2</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+71"/>
        <source>%1 parameters</source>
        <translation>%1 参数</translation>
    </message>
    <message>
        <location line="-68"/>
        <source>This model is gated: accept its terms on the hub&apos;s website and set HF_TOKEN before downloading.</source>
        <translation>此模型为受限模型：下载前请先在模型站网站上接受其条款，并设置 HF_TOKEN。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+99"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message numerus="yes">
        <location line="-95"/>
        <source>%1 in %n file(s)</source>
        <translation>
            <numerusform>%1，共 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location line="+17"/>
        <source>%1 — %2, %3</source>
        <translation>%1 — %2，%3</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>On this machine: %1, %2</source>
        <translation>本机：%1，%2</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 on disk</source>
        <translation>占用磁盘 %1</translation>
    </message>
    <message>
        <location line="+40"/>
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
    <name>pagoda::ui::ModelPicker</name>
    <message>
        <location filename="../../ui/chat/model_picker.cpp" line="+49"/>
        <source>The model or server that answers this chat</source>
        <translation>为此对话生成回答的模型或服务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model for this chat</source>
        <translation>此对话使用的模型</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+134"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location line="-132"/>
        <source>Load this chat&apos;s model now (a message sent meanwhile waits for it)</source>
        <translation>立即加载此对话的模型（加载期间发送的消息会等待加载完成）</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (loaded)</source>
        <translation>%1（已加载）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (not in the library)</source>
        <translation>%1（不在我的模型中）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Add a remote server…</source>
        <translation>添加远程服务…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not load</source>
        <translation>加载失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not loaded</source>
        <translation>未加载</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not loaded; %1 is</source>
        <translation>未加载；当前已加载的是 %1</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ModelTexts</name>
    <message>
        <location filename="../../ui/models/model_texts.cpp" line="+16"/>
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
        <location filename="../../ui/models/models_page.cpp" line="+33"/>
        <source>My models</source>
        <translation>我的模型</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+30"/>
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
        <location filename="../../ui/status/performance_view.cpp" line="+22"/>
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
        <location filename="../../ui/server/server_page.cpp" line="+36"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Load a model first: the API serves the model that is loaded.</source>
        <translation>请先加载模型：API 提供的是当前已加载的模型。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Start the API whenever a model is loaded</source>
        <translation>模型加载后自动启动 API</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Request log</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Requests to the API appear here.</source>
        <translation>API 收到的请求会显示在这里。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Requests</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Who can connect</source>
        <translation>允许连接的范围</translation>
    </message>
    <message>
        <location line="+1"/>
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
        <location line="+10"/>
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
        <location line="-20"/>
        <location line="+21"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Use it</source>
        <translation>使用方法</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>curl example</source>
        <translation>curl 示例</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Python example</source>
        <translation>Python 示例</translation>
    </message>
    <message>
        <location line="+13"/>
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
        <location line="-80"/>
        <source>The API did not start: %1</source>
        <translation>API 未能启动：%1</translation>
    </message>
    <message>
        <location line="+137"/>
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
    <name>pagoda::ui::Shortcuts</name>
    <message>
        <location filename="../../ui/shortcuts.cpp" line="+31"/>
        <source>Search chats</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Regenerate the last answer</source>
        <translation>重新生成最后一条回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy the last answer</source>
        <translation>复制最后一条回答</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop the answer</source>
        <translation>停止回答</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to Chat</source>
        <translation>转到“聊天”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to Models</source>
        <translation>转到“模型”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to Server</source>
        <translation>转到“服务”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Go to Settings</source>
        <translation>转到“设置”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open Settings</source>
        <translation>打开设置</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show keyboard shortcuts</source>
        <translation>显示键盘快捷键</translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+3"/>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Send the message, or save an edited one</source>
        <translation>发送消息，或保存编辑后的消息</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shift+Enter</source>
        <translation>Shift+Enter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New line in the message</source>
        <translation>在消息中换行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel editing a message; clear the chat search</source>
        <translation>取消编辑消息；清除对话搜索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open the chat selected in the list</source>
        <translation>打开列表中选中的对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>F2</source>
        <translation>F2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Rename the chat selected in the list</source>
        <translation>重命名列表中选中的对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete the chat selected in the list</source>
        <translation>删除列表中选中的对话</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tab</source>
        <translation>Tab</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move to the next control; it never opens or changes anything</source>
        <translation>移到下一个控件；不会打开或更改任何内容</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::ShortcutsDialog</name>
    <message>
        <location filename="../../ui/shortcuts_dialog.cpp" line="+14"/>
        <location line="+4"/>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Does</source>
        <translation>作用</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Anywhere in the window</source>
        <translation>窗口中任意位置</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>In the message box and the chat list</source>
        <translation>在消息框和对话列表中</translation>
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
    <name>pagoda::ui::TrayMenu</name>
    <message>
        <location filename="../../ui/tray_menu.cpp" line="+18"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open Pagoda</source>
        <translation>打开 Pagoda</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+4"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Loading %1…</source>
        <translation>正在加载 %1…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 did not load</source>
        <translation>%1 加载失败</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>API on at %1</source>
        <translation>API 已开启：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>API off: %1</source>
        <translation>API 已关闭：%1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>API off</source>
        <translation>API 已关闭</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the API</source>
        <translation>停止 API</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Start the API</source>
        <translation>启动 API</translation>
    </message>
</context>
<context>
    <name>pagoda::ui::WelcomeDialog</name>
    <message>
        <location filename="../../ui/models/welcome_dialog.cpp" line="+59"/>
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
        <location line="+10"/>
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
        <location line="+6"/>
        <source>Model to download</source>
        <translation>要下载的模型</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 — %2 download, needs %3 (%4)</source>
        <translation>%1 — 下载 %2，需要 %3（%4）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Download from</source>
        <translation>下载来源</translation>
    </message>
    <message>
        <location line="+13"/>
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
        <location line="+13"/>
        <location line="+122"/>
        <source>Download and start</source>
        <translation>下载并开始</translation>
    </message>
    <message>
        <location line="-118"/>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Try the demo model</source>
        <translation>先试试演示模型</translation>
    </message>
    <message>
        <location line="+34"/>
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
        <location line="+28"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Downloading %1. You can close this window: the model loads when the download ends, and the download continues on the Models page.</source>
        <translation>正在下载 %1。你可以关闭此窗口：下载完成后会自动加载模型，下载也会在“模型”页面继续进行。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
</context>
</TS>
