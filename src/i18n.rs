//! Every user-facing sentence, in English and Simplified Chinese.
//!
//! Text is looked up by a [`Msg`] key; a test checks that both languages
//! have every key, so the two stay complete and in step.

use crate::events::EventKind;

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

    pub fn event_name(self, k: EventKind) -> &'static str {
        self.text(match k {
            EventKind::Blink => Msg::Blink,
            EventKind::TurnLeft => Msg::TurnLeft,
            EventKind::TurnRight => Msg::TurnRight,
            EventKind::Nod => Msg::Nod,
        })
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
    FaceVisible => "Face visible", "人脸可见";
    StoppedEarly => "The input stopped early", "输入提前结束";
    Processing => "Processing", "处理";
    Decoding => "decoding", "解码";
    Blink => "blink", "眨眼";
    TurnLeft => "turn left", "向左转头";
    TurnRight => "turn right", "向右转头";
    Nod => "nod", "点头";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for m in Msg::ALL {
            let (en, zh) = m.texts();
            assert!(!en.trim().is_empty(), "{m:?} has no English");
            assert!(!zh.trim().is_empty(), "{m:?} has no Chinese");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{m:?}: Chinese text has no Chinese"
            );
        }
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
