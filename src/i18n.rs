//! Every user-facing sentence, in English and Simplified Chinese.
//!
//! Text is looked up by a [`Msg`] key; a test checks that both languages
//! have every key, so the two stay complete and in step.

use crate::record::{EventKind, HintCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// `en`/`zh` (also `zh-CN`, `zh_CN.UTF-8`, ...).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase();
        if s.starts_with("zh") {
            Some(Lang::Zh)
        } else if s.starts_with("en") || s == "c" || s == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// From the locale environment (LC_ALL, LC_MESSAGES, LANG), English otherwise.
    pub fn from_env_value(vals: &[Option<String>]) -> Lang {
        vals.iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(v))
            .unwrap_or_default()
    }

    pub fn text(self, m: Msg) -> &'static str {
        let (en, zh) = m.texts();
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// `text(m)` with every `{key}` replaced by its value.
    pub fn fill(self, m: Msg, vars: &[(&str, &str)]) -> String {
        let mut out = self.text(m).to_string();
        for (k, v) in vars {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }

    /// What a prompt asks the person to do ("Turn your head to the left").
    pub fn prompt(self, k: EventKind) -> &'static str {
        self.text(match k {
            EventKind::Blink => Msg::PromptBlink,
            EventKind::TurnLeft => Msg::PromptTurnLeft,
            EventKind::TurnRight => Msg::PromptTurnRight,
            EventKind::Nod => Msg::PromptNod,
            EventKind::OpenMouth => Msg::PromptOpenMouth,
            EventKind::Shake => Msg::PromptShake,
            EventKind::LookUp => Msg::PromptLookUp,
            EventKind::LookDown => Msg::PromptLookDown,
            EventKind::MoveCloser => Msg::PromptMoveCloser,
        })
    }

    pub fn event_name(self, k: EventKind) -> &'static str {
        self.text(match k {
            EventKind::Blink => Msg::Blink,
            EventKind::TurnLeft => Msg::TurnLeft,
            EventKind::TurnRight => Msg::TurnRight,
            EventKind::Nod => Msg::Nod,
            EventKind::OpenMouth => Msg::OpenMouth,
            EventKind::Shake => Msg::Shake,
            EventKind::LookUp => Msg::LookUp,
            EventKind::LookDown => Msg::LookDown,
            EventKind::MoveCloser => Msg::MoveCloser,
        })
    }
}

impl HintCode {
    /// The short line shown live, and the advice: what to change.
    pub fn messages(self) -> (Msg, Msg) {
        match self {
            HintCode::NoFace => (Msg::HintNoFace, Msg::AdviceNoFace),
            HintCode::MultipleFaces => (Msg::HintMultipleFaces, Msg::AdviceMultipleFaces),
            HintCode::FaceCutOff => (Msg::HintFaceCutOff, Msg::AdviceFaceCutOff),
            HintCode::FaceTooSmall => (Msg::HintFaceTooSmall, Msg::AdviceFaceTooSmall),
            HintCode::FaceTooLarge => (Msg::HintFaceTooLarge, Msg::AdviceFaceTooLarge),
            HintCode::FaceOffCenter => (Msg::HintFaceOffCenter, Msg::AdviceFaceOffCenter),
            HintCode::NotFacingCamera => (Msg::HintNotFacingCamera, Msg::AdviceNotFacingCamera),
            HintCode::HeadTilted => (Msg::HintHeadTilted, Msg::AdviceHeadTilted),
            HintCode::TooDark => (Msg::HintTooDark, Msg::AdviceTooDark),
            HintCode::Backlit => (Msg::HintBacklit, Msg::AdviceBacklit),
            HintCode::TooBright => (Msg::HintTooBright, Msg::AdviceTooBright),
            HintCode::UnevenLight => (Msg::HintUnevenLight, Msg::AdviceUnevenLight),
            HintCode::Flicker => (Msg::HintFlicker, Msg::AdviceFlicker),
            HintCode::Glare => (Msg::HintGlare, Msg::AdviceGlare),
            HintCode::Sunglasses => (Msg::HintSunglasses, Msg::AdviceSunglasses),
            HintCode::Mask => (Msg::HintMask, Msg::AdviceMask),
            HintCode::Hat => (Msg::HintHat, Msg::AdviceHat),
            HintCode::HandOverFace => (Msg::HintHandOverFace, Msg::AdviceHandOverFace),
            HintCode::HairOverEyes => (Msg::HintHairOverEyes, Msg::AdviceHairOverEyes),
            HintCode::Glasses => (Msg::HintGlasses, Msg::AdviceGlasses),
            HintCode::Blurry => (Msg::HintBlurry, Msg::AdviceBlurry),
            HintCode::Noisy => (Msg::HintNoisy, Msg::AdviceNoisy),
            HintCode::LowResolution => (Msg::HintLowResolution, Msg::AdviceLowResolution),
            HintCode::LowFps => (Msg::HintLowFps, Msg::AdviceLowFps),
            HintCode::MovingTooFast => (Msg::HintMovingTooFast, Msg::AdviceMovingTooFast),
            HintCode::TooSlow => (Msg::HintTooSlow, Msg::AdviceTooSlow),
            HintCode::NotSteady => (Msg::HintNotSteady, Msg::AdviceNotSteady),
        }
    }
}

macro_rules! messages {
    ($($key:ident => $en:expr, $zh:expr;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Msg { $($key),* }
        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];
            pub fn texts(self) -> (&'static str, &'static str) {
                match self { $(Msg::$key => ($en, $zh)),* }
            }
        }
    };
}

messages! {
    Frames => "frames", "帧";
    FrameUnit => "frame", "帧";
    NoFaceInClip => "No face was found anywhere in this clip.", "整段视频中都没有找到人脸。";
    PhotoJudged => "one photo, judged on its own (movement and frame rate do not apply)", "一张照片，只看这一张（照片无法评判动作和帧率）";
    FaceVisible => "Face visible", "人脸可见";
    StoppedEarly => "The input stopped early", "输入提前结束";
    Processing => "Processing", "处理";
    Decoding => "decoding", "解码";
    Blink => "blink", "眨眼";
    TurnLeft => "turn left", "向左转头";
    TurnRight => "turn right", "向右转头";
    Nod => "nod", "点头";
    OpenMouth => "open mouth", "张嘴";
    Shake => "shake", "摇头";
    LookUp => "look up", "抬头";
    LookDown => "look down", "低头";
    MoveCloser => "move closer", "靠近";
    HintNoFace => "No face in view", "画面中没有人脸";
    AdviceNoFace => "Sit in front of the camera with your whole face inside the oval.", "请坐在摄像头前，让整张脸位于椭圆框内。";
    HintMultipleFaces => "More than one face in view", "画面中有多张人脸";
    AdviceMultipleFaces => "Be alone in the picture: ask others to step out of view, and cover photos or posters with faces behind you.", "请确保画面中只有你一人：请其他人离开镜头范围，并遮住身后带有人脸的照片或海报。";
    HintFaceCutOff => "Part of your face is out of the picture", "脸的一部分在画面外";
    AdviceFaceCutOff => "Move so that your whole face, forehead to chin, is inside the picture.", "请移动位置，让整张脸（从额头到下巴）都在画面内。";
    HintFaceTooSmall => "Move closer", "请靠近一些";
    AdviceFaceTooSmall => "Move closer until your face fills the oval: a check needs enough detail of your face.", "请靠近摄像头，直到脸部填满椭圆框：检测需要足够清晰的面部细节。";
    HintFaceTooLarge => "Move back a little", "请稍微后退";
    AdviceFaceTooLarge => "Move back until your forehead and chin fit inside the oval.", "请后退，直到额头和下巴都在椭圆框内。";
    HintFaceOffCenter => "Centre your face in the oval", "请把脸移到椭圆框中央";
    AdviceFaceOffCenter => "Move yourself or the camera so that your face is in the middle of the picture.", "请移动自己或调整摄像头，让脸位于画面中央。";
    HintTooDark => "Too dark: face a window or lamp", "太暗：请面向窗户或灯光";
    AdviceTooDark => "Turn on a light in front of you or face a window; do not do the check in a dark room.", "请打开面前的灯或面向窗户；不要在昏暗的房间里进行检测。";
    HintBacklit => "Light is behind you", "逆光：光源在你身后";
    AdviceBacklit => "Turn so that the window or lamp is in front of you, not behind.", "请转身，让窗户或灯光在你前方，而不是身后。";
    HintTooBright => "Too bright: your face is washed out", "太亮：脸部过曝";
    AdviceTooBright => "Move out of direct light or dim the lamp; soft light from the front is best.", "请避开直射光或调暗灯光；来自正面的柔和光线最好。";
    HintUnevenLight => "One side of your face is in shadow", "脸的一侧处于阴影中";
    AdviceUnevenLight => "Face the light squarely, or add light on the darker side.", "请正对光源，或在较暗的一侧补光。";
    HintFlicker => "The light is flickering", "灯光在闪烁";
    AdviceFlicker => "Switch off the flickering lamp (often a fluorescent tube or a cheap LED); daylight from a window in front of you is steady.", "请关掉闪烁的灯（常见于日光灯管或廉价 LED 灯）；面前窗户的自然光是稳定的。";
    HintNotSteady => "Hold still", "请保持不动";
    AdviceNotSteady => "Keep your head still until the countdown ends.", "倒计时结束前请保持头部不动。";
    HintNotFacingCamera => "Face the camera straight on", "请正对摄像头";
    AdviceNotFacingCamera => "Put the camera at eye level, straight in front of you: not below your chin, not to the side.", "请把摄像头放在与眼睛齐平的正前方：不要放在下巴下方，也不要放在侧面。";
    HintHeadTilted => "Keep your head upright", "请保持头部端正";
    AdviceHeadTilted => "Hold your head level, not tilted toward a shoulder.", "请保持头部水平，不要向肩膀倾斜。";
    HintBlurry => "The picture is blurry", "画面模糊";
    AdviceBlurry => "Clean the camera lens, keep still between movements, and add light so that the camera can use a short exposure.", "请擦拭摄像头镜头，动作之间保持不动，并增加光线，以便摄像头使用更短的曝光。";
    HintNoisy => "The picture is grainy", "画面噪点多";
    AdviceNoisy => "Add light: the grain comes from the camera boosting a dim picture.", "请增加光线：噪点来自摄像头对昏暗画面的增益放大。";
    HintLowResolution => "Too few pixels on your face", "脸部像素太少";
    AdviceLowResolution => "Move closer, or use a camera or setting with a higher resolution (640x480 at least).", "请靠近一些，或使用更高分辨率的摄像头或设置（至少 640x480）。";
    HintLowFps => "The camera delivers too few frames", "摄像头帧率过低";
    AdviceLowFps => "Close other apps that use the camera or the processor, add light (cameras slow down in the dark), and choose 30 fps if the camera offers it.", "请关闭其他占用摄像头或处理器的程序，增加光线（光线暗时摄像头会降低帧率），如可选请使用每秒 30 帧。";
    HintMovingTooFast => "Moving too fast", "动作太快";
    AdviceMovingTooFast => "Move your head slowly and smoothly, about a second each way.", "请缓慢平稳地转动头部，每个方向约一秒。";
    HintTooSlow => "That movement took too long", "动作用时太长";
    AdviceTooSlow => "Finish each movement within a few seconds: turn, then come straight back.", "请在几秒内完成每个动作：转过去，然后直接转回来。";
    HintGlasses => "Glasses", "佩戴眼镜";
    AdviceGlasses => "If the check fails, take your glasses off: frames and reflections can hide your eyes.", "如果检测失败，请摘下眼镜：镜框和反光可能会遮挡眼睛。";
    HintSunglasses => "Sunglasses hide your eyes", "墨镜遮挡了眼睛";
    AdviceSunglasses => "Take off sunglasses or tinted glasses: the check must see your eyes.", "请摘下墨镜或有色眼镜：检测必须能看到你的眼睛。";
    HintGlare => "Reflections on your glasses or skin", "眼镜或皮肤上有反光";
    AdviceGlare => "Tilt your glasses slightly down or move the lamp to the side, so that no light reflects into the camera.", "请将眼镜稍向下倾斜，或把灯移到侧面，避免光线反射进摄像头。";
    HintMask => "Your mouth or chin is covered", "嘴巴或下巴被遮挡";
    AdviceMask => "Take off your mask or scarf: the whole face must be visible.", "请摘下口罩或围巾：整张脸必须可见。";
    HintHat => "Your forehead and eyebrows are covered", "额头和眉毛被遮挡";
    AdviceHat => "Take off your hat or cap, or push your hair back: the check needs to see your forehead and eyebrows.", "请摘下帽子，或把头发拨到后面：检测需要看到你的额头和眉毛。";
    HintHandOverFace => "Something covers your face", "有东西遮挡了脸部";
    AdviceHandOverFace => "Keep your hands and other things away from your face.", "请让手和其他物品远离脸部。";
    HintHandOverParts => "A hand covers your {parts}", "手遮住了你的{parts}";
    PartEyes => "eyes", "眼睛";
    PartNose => "nose", "鼻子";
    PartMouth => "mouth", "嘴";
    PartForehead => "forehead", "额头";
    PartCheeks => "cheek", "脸颊";
    PartChin => "chin", "下巴";
    ListAnd => " and ", "和";
    HintHairOverEyes => "Hair covers your eyes", "头发遮住了眼睛";
    AdviceHairOverEyes => "Move your hair away from your eyes and eyebrows.", "请把头发从眼睛和眉毛处拨开。";
    GetReady => "Get ready", "准备";
    GetReadyBody => "Sit about an arm's length from the camera, in even light.", "请坐在离摄像头约一臂远的地方，保持光线均匀。";
    PressSpace => "Press Space to start", "按空格键开始";
    FitOval => "Fit your face in the oval", "请把脸放入椭圆框内";
    LookAndHold => "Look at the camera and hold still", "请看着摄像头，保持不动";
    PromptBlink => "Blink", "请眨眼";
    PromptTurnLeft => "Turn your head to the left", "请向左转头";
    PromptTurnRight => "Turn your head to the right", "请向右转头";
    PromptNod => "Nod your head", "请点头";
    SameCauseAgain => "Your last {n} attempts failed for the same reason: {reason}. Fix that first: trying again the same way will fail again.", "你最近 {n} 次尝试都因同一原因失败：{reason}。请先解决这个问题：用同样的方式再试还会失败。";
    RetryLimits => "Real checks limit retries: AWS Face Liveness, for one, allows at most {n} failed attempts in {min} minutes, then makes you wait 30-60 minutes. Practise here until you pass, then do the real check.", "真实检测会限制重试次数：例如 AWS 人脸活体检测在 {min} 分钟内最多允许失败 {n} 次，之后需要等待 30-60 分钟。请先在这里练习到通过，再去做真实检测。";
    PromptOpenMouth => "Open your mouth wide, then close it", "请张大嘴，然后闭上";
    PromptShake => "Shake your head: left and right", "请摇头：向左再向右";
    PromptLookUp => "Look up", "请抬头";
    PromptLookDown => "Look down", "请低头";
    PromptMoveCloser => "Move closer, slowly, until your face fills the oval", "请慢慢靠近，直到脸部填满椭圆框";
    ThenBack => "then face the camera again", "然后转回正对摄像头";
    PromptOf => "Prompt {i} of {n}", "第 {i}/{n} 个动作";
    TryAgain => "Not yet, {reason}. Try again", "没通过：{reason}。请再试一次";
    PromptPassed => "Done", "完成";
    PromptFailed => "Not accepted", "未通过";
    ResultTitle => "Result", "结果";
    AllPassed => "Every prompt passed", "全部动作通过";
    SomeFailed => "{n} of {m} prompts failed", "{m} 个动作中有 {n} 个未通过";
    KeysResult => "R: try again    Q: quit", "R：再试一次    Q：退出";
    KeysRunning => "Q: quit    L: landmarks", "Q：退出    L：显示特征点";
    Passed => "passed", "通过";
    Failed => "failed", "未通过";
    ReasonTimeout => "nothing was seen in time", "规定时间内未检测到动作";
    ReasonTooFast => "too fast: move slowly and smoothly", "太快：请缓慢平稳地移动";
    ReasonTooSlow => "too slow: finish the movement in time", "太慢：请在规定时间内完成动作";
    ReasonNotFarEnough => "not far enough: go further, then come back", "幅度不够：请动作再大一些，然后回正";
    ReasonWrongDirection => "the other way", "方向错误";
    ReasonFaceLost => "your face was lost: stay in view", "人脸丢失：请保持在画面内";
    ReasonFaceLeftOval => "your face left the oval", "脸离开了椭圆框";
    AdvicePromptNotCloseEnough => "Come closer to the camera, slowly and steadily, until your face fills the oval, then hold still for a moment.", "请慢慢、平稳地靠近摄像头，直到脸部填满椭圆框，然后保持片刻不动。";
    ReasonNotCloseEnough => "not close enough: come closer until your face fills the oval", "不够近：请靠近，直到脸部填满椭圆框";
    // The colour flash (session::flash).
    ColourFlash => "colour flash", "颜色闪烁";
    FlashNoticeTitle => "Next: the screen will flash colours", "接下来：屏幕会闪烁几种颜色";
    FlashNoticeBody => "About 5 seconds of bright full-screen colours, as an oval check shows them. If flashing light bothers you, press F to leave it out.", "大约 5 秒的全屏亮色闪烁，与椭圆框式检测相同。如果闪光让你不适，请按 F 跳过。";
    FlashNoticeKeys => "Space: start the flash    F: leave it out", "空格键：开始闪烁    F：跳过";
    FlashHold => "Hold still, face in the oval", "请保持不动，脸在椭圆框内";
    FlashVisible => "the screen's colours show on your face: a check of this kind could see them", "屏幕颜色在脸上清晰可见：这类检测能够看到";
    FlashWeak => "the screen's colours barely show on your face: a check of this kind could fail", "屏幕颜色在脸上几乎看不出：这类检测可能失败";
    FlashNotMeasured => "your face was not in view long enough to measure the reflection", "脸在画面中的时间太短，无法测量反光";
    FlashSkipped => "left out", "已跳过";
    FlashResultLine => "Colour flash: {verdict} (screen light {pct} of the room's on your face)", "颜色闪烁：{verdict}（脸上屏幕光为室内光的 {pct}）";
    FlashResultShort => "Colour flash: {verdict}", "颜色闪烁：{verdict}";
    FlashAdviceBrightness => "Turn the screen to full brightness.", "请把屏幕亮度调到最高。";
    FlashAdviceCloser => "Come closer, so that your face fills the oval: the screen lights a near face much more.", "请靠近，让脸填满椭圆框：屏幕对近处的脸照亮得多。";
    FlashAdviceDimRoom => "Dim the room's light: the screen's light must stand out against it.", "请调暗室内灯光：屏幕光要比环境光更明显。";
    FlashAdviceWindow => "Move away from the window behind you.", "请远离身后的窗户。";
    FlashAdviceStayInOval => "Keep your face in the oval and still until the colours stop.", "颜色停止前，请让脸保持在椭圆框内并且不动。";
    FlashNeedsWindow => "The colour flash needs the window (the screen lights your face); without a window it is left out.", "颜色闪烁需要窗口（由屏幕照亮你的脸）；没有窗口时将跳过。";
    ReasonEnded => "the session ended first", "会话提前结束";
    CmpFaster => "Your {kind} got faster each time ({values}).", "你的{kind}一次比一次快（{values}）。";
    CmpSlower => "Your {kind} got slower each time ({values}).", "你的{kind}一次比一次慢（{values}）。";
    CmpFurther => "Your {kind} went further each time ({values}).", "你的{kind}幅度一次比一次大（{values}）。";
    CmpShorter => "Your {kind} went less far each time ({values}).", "你的{kind}幅度一次比一次小（{values}）。";
    CmpPassed => "Prompts passed per attempt: {values}.", "每次尝试通过的动作数：{values}。";
    SessionSummary => "Session summary", "练习总结";
    AttemptN => "Attempt {n}", "第 {n} 次尝试";
    ProblemsSeen => "Problems seen", "发现的问题";
    NoProblems => "No lighting or framing problems seen.", "未发现光线或取景问题。";
    CameraDelivered => "Camera: {fps} fps at {w}x{h}", "摄像头：实际 {fps} 帧/秒，分辨率 {w}x{h}";
    CameraBelowMinimum => "Below 15 fps or 640x480: real checks may refuse this camera.", "低于 15 帧/秒或 640x480：真实检测可能不接受此摄像头。";
    Interrupting => "Ctrl-C: stopping; what was measured so far is kept.", "Ctrl-C：正在停止，已测得的结果会保留。";
    ReportSaved => "Report saved to {path}", "报告已保存到 {path}";
    RecordingSaved => "Recording saved to {path}", "录像已保存到 {path}";
    Seconds => "s", "秒";
    KindReason => "{kind}: {reason}", "{kind}：{reason}";
    LiveLoop => "Window: {shown} updates/s, {analysed} frames/s analysed; capture to screen {ms} ms (95%: {p95} ms)", "窗口：每秒刷新 {shown} 次，每秒分析 {analysed} 帧；从采集到显示 {ms} 毫秒（95%：{p95} 毫秒）";
    StreamEnded => "The recording ended", "录像已播放完毕";
    ReportTitle => "Liveness check report", "活体检测报告";
    ReportMadeBy => "Made on this computer by liveness-coach; nothing was sent anywhere. The numbers behind it are in {file}, beside this page.", "由 liveness-coach 在本机生成，没有发送任何数据。本页所依据的数据保存在同一文件夹的 {file} 中。";
    VerdictPass => "Likely to pass", "很可能通过";
    VerdictPassBody => "Nothing seen in this recording would make a check fail.", "这段录像中没有发现会导致检测失败的问题。";
    VerdictFail => "Likely to fail", "很可能不通过";
    VerdictFailBody => "What would make a check fail, biggest first:", "可能导致检测失败的原因，影响最大的在前：";
    VerdictEmpty => "This recording has no frames", "这段录像没有任何画面";
    VerdictEmptyBody => "Nothing could be read from it: record the attempt again, or check that the file is a video.", "无法从中读取任何画面：请重新录制，或确认该文件是视频。";
    VerdictNoFace => "No face was found in this recording", "这段录像中没有找到人脸";
    VerdictNoFaceBody => "A check cannot start without a face: sit in front of the camera with your whole face in view, in good light.", "没有人脸，检测无法开始：请坐在摄像头前，让整张脸都在画面内，并保证光线充足。";
    VerdictStill => "Nothing moved: this looks like a still picture", "画面完全没有变化：这看起来是一张静止的图片";
    VerdictStillBody => "A liveness check needs a live person in front of the camera who blinks and moves when asked; a photo or a frozen picture fails.", "活体检测需要真人在摄像头前按提示眨眼和转头；照片或静止的画面无法通过。";
    VerdictPhoto => "A photo: something in it would make a check fail", "一张照片：其中有会导致检测失败的问题";
    VerdictPhotoBody => "Judged on this one picture with the same limits as a recording; movement and frame rate cannot be judged on a photo. Fix these before the real check:", "按与录像同样的要求评判这张照片；照片无法评判动作和帧率。正式检测前请先改正：";
    VerdictPhotoClear => "A photo: nothing in it would make a check fail", "一张照片：其中没有会导致检测失败的问题";
    VerdictPhotoClearBody => "Light, framing and what covers the face look fine in this picture. Movement and frame rate cannot be judged on a photo: the real check still needs you live in front of the camera, blinking and moving when asked.", "这张照片中的光线、取景和面部遮挡都没有问题。照片无法评判动作和帧率：正式检测需要你本人在摄像头前按提示眨眼和转头。";
    ShareOfAttempt => "{pct} of the attempt", "占本次尝试的 {pct}";
    AlsoSeen => "Also seen, too brief or too minor to decide the result:", "另外发现（时间太短或影响较小，不决定结果）：";
    SectionPrompts => "Prompts", "动作提示";
    PromptsJudged => "Judged as a check would, in the order given with --challenges, {timeout} s each, starting at the first frame with a face.", "按 --challenges 给出的顺序像真实检测一样评判：从第一帧有人脸的画面开始，每个动作限时 {timeout} 秒。";
    PromptsFromSession => "The prompts and verdicts of the practice session.", "练习过程中的动作提示和结果。";
    SectionMovements => "Movements seen", "检测到的动作";
    MovementsNote => "No prompts were given (--challenges), so here is every blink, turn and nod found, and whether a check would accept it.", "没有指定动作提示（--challenges），下面列出找到的每次眨眼、转头和点头，以及检测是否会接受。";
    NoMovements => "No blink, turn or nod was found.", "没有发现眨眼、转头或点头。";
    MovementsAll => "Every blink, turn and nod found, and whether a check would accept it.", "找到的每次眨眼、转头和点头，以及检测是否会接受。";
    ColTime => "Time", "时间";
    ColMovement => "Movement", "动作";
    ColDuration => "Duration", "时长";
    ColSize => "Size", "幅度";
    ColAccepted => "Would a check accept it?", "检测会接受吗？";
    ColAsked => "Asked", "要求的动作";
    ColAttempt => "Attempt", "尝试";
    RowFile => "File", "文件";
    RowFrames => "Frames", "帧数";
    Verdict => "Verdict", "结论";
    ColSeen => "Seen", "检测到的";
    ColResult => "Result", "结果";
    ColWhy => "Why not, and what to do", "原因和建议";
    ColProblem => "Problem", "问题";
    ColWhen => "When", "时间段";
    ColShare => "Share", "占比";
    ColValue => "Measured", "测量值";
    ColAdvice => "What to do", "建议";
    Yes => "yes", "是";
    SeenNothing => "nothing", "未检测到";
    Closed => "{pct} closed", "闭合 {pct}";
    SectionTimeline => "Timeline", "时间线";
    PlotEyes => "Eye openness (lid gap over eye width), with your open level and each blink", "睁眼程度（眼睑间距与眼宽之比），以及你的睁眼水平和每次眨眼";
    PlotHead => "Head turn (yaw) and nod (pitch) in degrees, with the angles a check expects", "转头（偏航角）和点头（俯仰角），单位为度，以及检测要求的角度";
    PlotLight => "Brightness of the face and of the background (0–255)", "脸部和背景的亮度（0–255）";
    PlotSpeed => "Head speed in degrees per second", "头部转动速度（度/秒）";
    PlotHints => "Problems, while they lasted", "各个问题及其持续时间";
    LegLeftEye => "left eye", "左眼";
    LegRightEye => "right eye", "右眼";
    LegOpenLevel => "your open level", "你的睁眼水平";
    LegYaw => "yaw (turn)", "偏航角（转头）";
    LegPitch => "pitch (nod)", "俯仰角（点头）";
    LegTurnNeeded => "turn needed: {deg}° from your neutral pose", "转头所需：偏离中立姿态 {deg}°";
    LegNodNeeded => "nod needed: {deg}° down", "点头所需：向下 {deg}°";
    LegFace => "face", "脸部";
    LegBackground => "background", "背景";
    LegTooDark => "too dark below", "低于此值太暗";
    LegSpeed => "head speed", "头部速度";
    LegTooFast => "too fast above", "高于此值太快";
    NoPlotData => "No face anywhere: nothing to plot.", "整段都没有人脸：没有可绘制的数据。";
    SectionKeyframes => "The worst moment of each problem", "每个问题最严重的时刻";
    KeyframesNote => "Shown because --frames was given. These pictures exist only inside this file.", "因为使用了 --frames 才显示。这些图片只保存在本文件中。";
    KeyframesUnavailable => "The frames could not be read again: {why}", "无法再次读取画面：{why}";
    SectionCompare => "Attempts compared", "各次尝试对比";
    WhatChanged => "What changed", "变化";
    RowVerdict => "Verdict", "结论";
    RowLength => "Length", "时长";
    RowBrightness => "Face brightness (mean)", "脸部平均亮度";
    CmpFixed => "Fixed: {issue} ({values} of each attempt).", "已解决：{issue}（各次占比 {values}）。";
    CmpNew => "New: {issue} ({values} of each attempt).", "新出现：{issue}（各次占比 {values}）。";
    CmpBetter => "Better: {issue} ({values} of each attempt).", "有改善：{issue}（各次占比 {values}）。";
    CmpWorse => "Worse: {issue} ({values} of each attempt).", "变差：{issue}（各次占比 {values}）。";
    CmpCounts => "{kind} seen in each attempt: {values}.", "每次尝试中检测到的{kind}：{values}。";
    CmpVerdicts => "Verdict of each attempt: {values}.", "每次尝试的结论：{values}。";
    CmpBrightness => "Face brightness in each attempt: {values}.", "每次尝试的脸部亮度：{values}。";
    CmpNothing => "Nothing measurable changed between the attempts.", "各次尝试之间没有可测量的变化。";
    SectionDetails => "Recording", "录像信息";
    RowSize => "Picture size", "画面尺寸";
    RowFrameRate => "Frame rate", "帧率";
    AdvicePromptTimeout => "Start the movement as soon as the prompt appears, and make it clear: nothing that looked like it was seen in time.", "提示出现后请立即开始动作，并且动作要明显：规定时间内没有检测到类似的动作。";
    AdvicePromptTooFast => "Move slowly and smoothly: about a second out and a second back.", "请缓慢平稳地移动：大约一秒转过去，一秒转回来。";
    AdvicePromptTooSlow => "Finish each movement within a few seconds: go, then come straight back.", "请在几秒内完成每个动作：转过去，然后直接转回来。";
    AdvicePromptNotFarEnough => "Go further (a clear turn or nod, not a glance), then come back to face the camera.", "动作幅度再大一些（明确地转头或点头，而不是瞥一眼），然后回到正对摄像头。";
    AdvicePromptWrongDirection => "Turn the way the prompt says: left is your own left.", "请按提示的方向转头：向左是指你自己的左边。";
    AdvicePromptFaceLost => "Keep your whole face in view while you move.", "移动时请让整张脸始终在画面内。";
    AdvicePromptFaceLeftOval => "Keep your face inside the oval while you move: turn your head, not your body.", "移动时请让脸保持在椭圆框内：转动头部，而不是身体。";
    AdvicePromptEnded => "The recording ended before this prompt was done: record the whole check.", "录像在完成这个动作之前就结束了：请录下完整的检测过程。";
    CheckLooking => "Look at the camera as you would for the real check ({secs} s)...", "请像正式检测时一样看着摄像头（{secs} 秒）……";
    CheckTitle => "Readiness check: {secs} s, {frames} frames, {w}x{h} at {fps} fps", "准备检查：{secs} 秒，{frames} 帧，{w}x{h}，每秒 {fps} 帧";
    CheckTitlePhoto => "Readiness check: one photo, {w}x{h}, judged on its own (movement and frame rate do not apply)", "准备检查：一张照片，{w}x{h}，只看这一张（照片无法评判动作和帧率）";
    CheckPhotoSmall => "This picture is {w}x{h}, smaller than the 640x480 real checks take from a camera: if it came from your camera, choose 640x480 or more in its settings.", "这张图片为 {w}x{h}，小于真实检测要求的摄像头画面 640x480：如果这张图片来自你的摄像头，请在设置中选择 640x480 或更高分辨率。";
    CheckReady => "Ready: nothing to fix. Good luck with the real check.", "准备就绪：没有需要改正的问题。祝正式检测顺利。";
    CheckToFix => "Fix these before the real check:", "正式检测前请先改正：";
    CheckWorthKnowing => "Worth knowing:", "注意：";
    CheckOfTime => "{pct} of the time", "占 {pct} 的时间";
    CheckCameraAdvice => "Choose 640x480 or more at 30 fps in the camera's settings, or use another camera (`liveness-coach cameras` lists them).", "请在摄像头设置中选择 640x480 或更高分辨率、每秒 30 帧，或换用其他摄像头（`liveness-coach cameras` 可列出所有摄像头）。";
    // ---- the ID document (`document` command, issue 17) ----
    DocVerdictPass => "This document photo would pass: nothing found that a check would refuse.", "这张证件照片可以通过：没有发现会被拒绝的问题。";
    DocVerdictFail => "This document photo would fail:", "这张证件照片无法通过：";
    DocMrzLine => "Machine-readable zone ({format}): {checks}", "机读区（{format}）：{checks}";
    DocChecksOk => "every check digit is right", "所有校验位都正确";
    DocChecksFailed => "some check digits are wrong", "部分校验位不正确";
    DocFailedChecks => "Check digits that fail: {fields}", "不正确的校验位：{fields}";
    DocNameLine => "Name as the document writes it: surname {surname}, given names {given}", "证件上的姓名：姓 {surname}，名 {given}";
    DocNumberLine => "Document number: {number}", "证件号码：{number}";
    DocExpiryLine => "Valid until: {date}", "有效期至：{date}";
    DocNoDocument => "No document was found in this picture.", "这张图片中没有找到证件。";
    DocAdviceNoDocument => "Photograph the whole document, flat, filling most of the picture, with its text facing the camera.", "请拍下整张证件：平放，占满画面的大部分，文字一面朝向摄像头。";
    DocMrzUnreadable => "The machine-readable zone (the lines of letters and <<< at the bottom) is visible but could not be read completely.", "可以看到机读区（底部由字母和 <<< 组成的几行），但无法完整读出。";
    DocAdviceMrzUnreadable => "Keep the whole zone in the picture, sharp and without glare: move closer, hold still, tilt the document away from the light.", "请让整个机读区都在画面内，清晰且没有反光：靠近一些，保持不动，把证件稍微偏离光源。";
    DocMrzInvalid => "The machine-readable zone was read but {value} of its checks fail.", "读出了机读区，但其中 {value} 项校验未通过。";
    DocAdviceMrzInvalid => "Take a sharper photo of the zone; if the checks still fail, the document itself may be damaged or not a real one: a check would refuse it.", "请把机读区拍得更清晰；如果校验仍不通过，证件本身可能已损坏或不是真实证件，检测会拒绝它。";
    DocExpired => "The document expired {value} days ago.", "证件已过期 {value} 天。";
    DocAdviceExpired => "Checks refuse expired documents: use another, valid document or renew this one.", "检测会拒绝过期的证件：请使用另一份有效的证件，或先办理续期。";
    DocExpiresSoon => "The document expires in {value} days, in less than {months} months.", "证件将在 {value} 天后过期，不足 {months} 个月。";
    DocAdviceExpiresSoon => "It is valid today, but some services refuse documents with less than {months} months left: if one does, use another document.", "证件今天仍然有效，但部分服务会拒绝有效期不足 {months} 个月的证件：如果被拒绝，请换用其他证件。";
    DocNameSame => "The name you plan to type matches the document: {document}.", "你打算填写的姓名与证件一致：{document}。";
    DocNameDiffers => "The name you plan to type (\"{typed}\") differs from the document (\"{document}\"):", "你打算填写的姓名（“{typed}”）与证件（“{document}”）不一致：";
    DocNameCase => "only upper/lower case or spaces differ (most forms accept that)", "只有大小写或空格不同（多数表单可以接受）";
    DocNameOrder => "the order differs: type the given names and the surname as the form asks, in the document's spelling", "顺序不同：请按表单要求分别填写名和姓，拼写与证件一致";
    DocNameAccents => "\"{typed}\" has accents the document writes as \"{document}\"", "“{typed}”带有重音符号，证件上写作“{document}”";
    DocNameSpelling => "\"{typed}\" is spelled \"{document}\" on the document", "“{typed}”在证件上拼写为“{document}”";
    DocNameMissing => "\"{name}\" is on the document but not in what you typed", "证件上有“{name}”，但你填写的姓名中没有";
    DocNameMissingMiddle => "the middle name \"{name}\" is on the document but not in what you typed", "证件上有中间名“{name}”，但你填写的姓名中没有";
    DocNameExtra => "\"{typed}\" is not on the document", "证件上没有“{typed}”";
    DocNameOtherScript => "\"{typed}\" is in another script: the check compares the document's Latin spelling", "“{typed}”使用了其他文字：检测比对的是证件上的拉丁字母拼写";
    DocCutOff => "Part of the document is outside the picture.", "证件有一部分在画面之外。";
    DocAdviceCutOff => "Move the camera back or the document to the middle until all four corners are in the picture, with a little space around them.", "请把摄像头移远一些，或把证件移到画面中间，让四个角都在画面内，周围留一点空白。";
    DocGlare => "There is glare {where}.", "{where}有反光。";
    DocAdviceGlare => "Tilt the document slightly away from the lamp or window, or turn off the flash, until the bright spot is gone.", "请把证件稍微偏离台灯或窗户，或关闭闪光灯，直到亮斑消失。";
    DocBlurry => "The photo of the document is blurry.", "证件照片模糊。";
    DocAdviceBlurry => "Hold the camera and the document still, let the camera focus (tap the document on a phone), and do not come closer than the camera can focus.", "请保持摄像头和证件不动，等摄像头对好焦（手机上可点击证件），不要靠得比摄像头能对焦的距离更近。";
    DocTooDark => "The document is too dark.", "证件太暗。";
    DocAdviceTooDark => "Photograph it in a brighter place, with the light falling on the document, not behind it.", "请在更明亮的地方拍摄，让光照在证件上，而不是从证件后面照过来。";
    DocTooSmall => "The document's text is too small to read ({value} pixels high).", "证件上的文字太小，无法读出（高 {value} 像素）。";
    DocAdviceTooSmall => "Come closer, so that the document fills most of the picture.", "请靠近一些，让证件占满画面的大部分。";
    DocTilted => "The document is photographed at an angle.", "证件是斜着拍的。";
    DocAdviceTilted => "Lay the document flat and hold the camera straight above it, its edges parallel to the picture's edges.", "请把证件平放，摄像头正对证件上方，证件边缘与画面边缘平行。";
    DocIdNumberInvalid => "The ID number's last character does not match its check (ISO 7064): it was misread or the card is not genuine.", "身份证号码的最后一位与校验码（ISO 7064）不符：可能读错了，或证件不是真实的。";
    DocAdviceIdNumberInvalid => "Take a sharper photo of the number; when you type it, copy all 18 characters exactly (X included).", "请把号码拍得更清晰；填写时请准确输入全部 18 位（包括 X）。";
    DocCnIdLine => "Resident ID card: number {number} ({check})", "居民身份证：号码 {number}（{check}）";
    DocCnIdNameLine => "Name on the card: {name}", "证件上的姓名：{name}";
    DocCnIdValidityLine => "Valid from {from} until {until}", "有效期限：{from} 至 {until}";
    DocCnIdLongTerm => "long term", "长期";
    DocWhereMrz => "over the machine-readable zone", "机读区上";
    DocWhereText => "over the text", "文字上";
    DocWhereDocument => "on the document", "证件上";
    DocGuidePlace => "Hold your document inside the frame", "请把证件放在框内";
    DocGuidePlaceSub => "The page with the photo, flat, text facing the camera", "有照片的一面，平放，文字朝向摄像头";
    DocGuideHold => "Hold still: taking the picture", "请保持不动：正在拍照";
    DocGuideTaken => "Picture taken", "已拍照";
    DocGuideKeys => "R: take another picture  ·  Q: quit", "R：重新拍照  ·  Q：退出";
    DocGuideLooks => "{n} looks per second", "每秒检查 {n} 次";
    DocGuideNotTaken => "No picture was taken: {why}", "没有拍照：{why}";
    DocGuideStreamEnded => "the input ended before the document could be taken", "拍到证件之前输入已结束";
    DocGuideClosed => "the window was closed first", "拍照前窗口已关闭";
    DocGuideSaved => "Picture saved to {path}", "照片已保存到 {path}";
}

/// A hint's message and advice in `lang`; for `hand_over_face` with the
/// `parts` a hand covers, the message names them ("A hand covers your nose
/// and mouth").
pub fn hint_texts(
    code: crate::record::HintCode,
    parts: &[crate::measure::hands::FacePart],
    lang: Lang,
) -> (String, String) {
    use crate::measure::hands::FacePart;
    use crate::record::HintCode;
    let (m, a) = code.messages();
    let advice = lang.text(a).to_string();
    if code != HintCode::HandOverFace || parts.is_empty() {
        return (lang.text(m).to_string(), advice);
    }
    let names: Vec<&str> = parts
        .iter()
        .map(|p| {
            lang.text(match p {
                FacePart::Eyes => Msg::PartEyes,
                FacePart::Nose => Msg::PartNose,
                FacePart::Mouth => Msg::PartMouth,
                FacePart::Forehead => Msg::PartForehead,
                FacePart::Cheeks => Msg::PartCheeks,
                FacePart::Chin => Msg::PartChin,
            })
        })
        .collect();
    let sep = match lang {
        Lang::En => ", ",
        Lang::Zh => "、",
    };
    let and = lang.text(Msg::ListAnd);
    let list = match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{}{and}{last}", rest.join(sep)),
        None => String::new(),
    };
    (
        lang.fill(Msg::HintHandOverParts, &[("parts", &list)]),
        advice,
    )
}

/// A hint span's message and advice in `lang` ([`hint_texts`]).
pub fn span_texts(h: &crate::record::HintSpan, lang: Lang) -> (String, String) {
    hint_texts(h.code, &h.parts, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_names_the_parts_it_covers_in_both_languages() {
        use crate::measure::hands::FacePart;
        let span = |parts: Vec<FacePart>| crate::record::HintSpan {
            code: crate::record::HintCode::HandOverFace,
            start_frame: 0,
            end_frame: 0,
            start_s: 0.0,
            end_s: 0.0,
            value: 0.5,
            parts,
        };
        let s = span(vec![FacePart::Eyes, FacePart::Nose, FacePart::Mouth]);
        assert_eq!(
            span_texts(&s, Lang::En).0,
            "A hand covers your eyes, nose and mouth"
        );
        assert_eq!(span_texts(&s, Lang::Zh).0, "手遮住了你的眼睛、鼻子和嘴");
        assert_eq!(
            span_texts(&span(vec![FacePart::Chin]), Lang::En).0,
            "A hand covers your chin"
        );
        assert_eq!(
            span_texts(&span(vec![]), Lang::En).0,
            "Something covers your face"
        );
    }

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            let (en, zh) = m.texts();
            assert!(!en.trim().is_empty(), "{m:?} has no English");
            assert!(!zh.trim().is_empty(), "{m:?} has no Chinese");
            assert!(
                // Chinese characters, or (for pure layout strings) full-width punctuation.
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)
                    || ('\u{ff00}'..='\u{ffef}').contains(&c)),
                "{m:?}: Chinese text has no Chinese"
            );
        }
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let keys = |t: &str| {
            let mut v: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string()))
                .collect();
            v.sort();
            v
        };
        for m in Msg::ALL {
            let (en, zh) = m.texts();
            assert_eq!(keys(en), keys(zh), "{m:?}");
        }
        assert_eq!(
            Lang::Zh.fill(Msg::SomeFailed, &[("n", "1"), ("m", "4")]),
            "4 个动作中有 1 个未通过"
        );
    }

    #[test]
    fn language_from_locale() {
        assert_eq!(Lang::parse("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("xx"), None);
        assert_eq!(
            Lang::from_env_value(&[None, Some("zh_CN.UTF-8".into())]),
            Lang::Zh
        );
        assert_eq!(Lang::from_env_value(&[None, None]), Lang::En);
    }
}
