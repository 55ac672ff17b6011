//! The serde model of one Claude Code transcript line, shaped for speed and tolerance.
//!
//! Speed: fields are borrowed (`Cow<str>` that borrows when the JSON string has no escapes) and big
//! payloads (tool results, tool inputs, `toolUseResult`) are `&RawValue`, skipped without being
//! unescaped and parsed later only where a rule needs them. No serde enums: they buffer every
//! value (research/stack.md measured 1.7x between this shape and the naive one).
//!
//! Tolerance: every field is optional, and a field of an unexpected JSON type reads as absent
//! instead of failing the whole line (a `"[trimmed for fixture]"` where a bool belongs loses that
//! field, not the line). Top-level keys this model does not know are counted by name, so schema
//! drift is visible in the report.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// One transcript line. See the module docs for the tolerance rules.
#[derive(Debug, Default)]
pub struct Record<'a> {
    pub kind: Option<Cow<'a, str>>,
    pub subtype: Option<Cow<'a, str>>,
    pub uuid: Option<Cow<'a, str>>,
    pub session_id: Option<Cow<'a, str>>,
    pub timestamp: Option<Cow<'a, str>>,
    pub cwd: Option<Cow<'a, str>>,
    pub git_branch: Option<Cow<'a, str>>,
    pub version: Option<Cow<'a, str>>,
    pub agent_id: Option<Cow<'a, str>>,
    pub is_sidechain: bool,
    pub is_meta: bool,
    pub is_compact_summary: bool,
    pub is_visible_in_transcript_only: bool,
    pub is_api_error_message: bool,
    pub message: Option<Message<'a>>,
    pub tool_use_result: Option<Json<'a>>,
    pub tool_denial_kind: Option<Cow<'a, str>>,
    pub api_error_status: Option<u64>,
    pub error: Option<Json<'a>>,
    pub content: Option<Json<'a>>,
    pub compact_metadata: Option<CompactMetadata>,
    pub operation: Option<Cow<'a, str>>,
    pub duration_ms: Option<u64>,
    pub attachment: Option<Json<'a>>,
    pub origin: Option<Json<'a>>,
    pub prompt_source: Option<Cow<'a, str>>,
    pub summary: Option<Cow<'a, str>>,
    pub custom_title: Option<Cow<'a, str>>,
    pub ai_title: Option<Cow<'a, str>>,
    pub agent_name: Option<Cow<'a, str>>,
    pub level: Option<Cow<'a, str>>,
    pub permission_mode: Option<Cow<'a, str>>,
    pub entrypoint: Option<Cow<'a, str>>,
    /// Top-level keys this model does not know (see [`KNOWN_IGNORED`]).
    pub unknown_fields: Vec<Cow<'a, str>>,
}

/// A JSON value's text as it stands in the line: valid JSON, neither unescaped nor parsed (read
/// later, only where a rule needs it). Top-level values are found by [`fast`](super::fast) or,
/// where it defers, as serde's `RawValue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Json<'a>(pub(crate) &'a str);

impl<'a> Json<'a> {
    /// The value whose text is `v` (valid JSON), or `None` for `null`, as serde reads an
    /// `Option` of it.
    #[must_use]
    pub(crate) fn of(v: &'a str) -> Option<Self> {
        (v != "null").then_some(Json(v))
    }

    /// The value's JSON text.
    #[must_use]
    pub fn get(self) -> &'a str {
        self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Json<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|r| Json(r.get()))
    }
}

/// Top-level keys seen in real and hand-made transcripts that no rule needs. Anything outside this
/// list and the fields above is counted as unknown.
pub const KNOWN_IGNORED: &[&str] = &[
    "parentUuid",
    "logicalParentUuid",
    "userType",
    "requestId",
    "slug",
    "thinkingMetadata",
    "todos",
    "sourceToolAssistantUUID",
    "sourceToolUseID",
    "snapshot",
    "messageId",
    "isSnapshotUpdate",
    "hookCount",
    "hookErrors",
    "hookInfos",
    "hasOutput",
    "preventedContinuation",
    "stopReason",
    "leafUuid",
    "lastPrompt",
    "data",
    "parentToolUseID",
    "toolUseID",
    "retryAttempt",
    "maxRetries",
    "retryInMs",
    "promptId",
    "effort",
    "isAbortedMidStream",
    "supersedesUuids",
    "attributionAgent",
    "mode",
    "tag",
    "planContent",
    "gitOperation",
    "imagePasteIds",
    "isUserRequest",
    "toolUseIds",
    "uuidMap",
    "pastedContents",
    // 2.1.1xx-2.1.2xx: the Esc'd reply's id, a Stop hook's added context, a turn's message count.
    "interruptedMessageId",
    "hookAdditionalContext",
    "messageCount",
];

/// `message` on `user` and `assistant` lines.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Message<'a> {
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub content: Content<'a>,
    #[serde(deserialize_with = "lenient_usage")]
    pub usage: Option<Usage>,
    /// `end_turn`, `tool_use`, …; `null` on the lines of 2.1.x before about 2.1.100, which were
    /// written while the reply still streamed.
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub stop_reason: Option<Cow<'a, str>>,
}

/// Token usage of one API response (as repeated on each of its lines).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Usage {
    #[serde(deserialize_with = "lenient_u64")]
    pub input_tokens: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub output_tokens: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub cache_creation_input_tokens: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub cache_read_input_tokens: u64,
}

/// `compactMetadata` on a `compact_boundary` line.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CompactMetadata {
    #[serde(deserialize_with = "lenient_string")]
    pub trigger: Option<String>,
    #[serde(deserialize_with = "lenient_u64_opt")]
    pub pre_tokens: Option<u64>,
}

/// `message.content`: a plain string (older prompts) or a list of blocks.
#[derive(Debug, Default)]
pub enum Content<'a> {
    #[default]
    None,
    Text(Cow<'a, str>),
    Blocks(Vec<Block<'a>>),
}

/// One content block. `kind` is `text`, `tool_use`, `tool_result`, `thinking`, `image`, or
/// anything newer (kept, and ignored by the rules that do not know it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Block<'a> {
    #[serde(rename = "type", borrow, deserialize_with = "lenient_str")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub input: Option<Json<'a>>,
    #[serde(borrow, deserialize_with = "lenient_str")]
    pub tool_use_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub content: Option<Json<'a>>,
    #[serde(deserialize_with = "lenient_bool")]
    pub is_error: bool,
}

impl<'a> Content<'a> {
    /// The blocks, or an empty slice for a string or missing content.
    #[must_use]
    pub fn blocks(&self) -> &[Block<'a>] {
        match self {
            Content::Blocks(b) => b,
            _ => &[],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Record: a hand-written map visitor, so unknown keys can be counted (derive cannot).

impl<'de: 'a, 'a> Deserialize<'de> for Record<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor(std::marker::PhantomData))
    }
}

mod fast;
pub use fast::record as fast_record;

struct RecordVisitor<'a>(std::marker::PhantomData<&'a ()>);

/// A value read leniently: strings borrowed where possible, anything else ignored.
pub(crate) struct LStr<'a>(pub(crate) Option<Cow<'a, str>>);
struct LBool(bool);
struct LU64(Option<u64>);

impl<'de: 'a, 'a> Visitor<'de> for RecordVisitor<'a> {
    type Value = Record<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Record<'a>, M::Error> {
        let mut r = Record::default();
        // `LStr` borrows the key from the input; serde's own `Cow` impl would always allocate.
        while let Some(LStr(key)) = map.next_key::<LStr<'de>>()? {
            let key = key.unwrap_or_default();
            match r.slot(&key) {
                Slot::Str(f) => *f = map.next_value::<LStr<'de>>()?.0,
                Slot::Bool(f) => *f = map.next_value::<LBool>()?.0,
                Slot::U64(f) => *f = map.next_value::<LU64>()?.0,
                Slot::Raw(f) => *f = map.next_value::<Option<Json<'de>>>()?,
                Slot::Message(f) => *f = map.next_value::<LMessage<'de>>()?.0,
                Slot::Compact(f) => *f = map.next_value::<LCompact>()?.0,
                Slot::Other(unknown) => {
                    map.next_value::<IgnoredAny>()?;
                    if !KNOWN_IGNORED.contains(&&*key) {
                        unknown.push(key);
                    }
                }
            }
        }
        Ok(r)
    }
}

/// Where a top-level key's value goes, and how it is read: the one table both readers (serde's
/// visitor above and [`fast`]) use.
enum Slot<'r, 'a> {
    Str(&'r mut Option<Cow<'a, str>>),
    Bool(&'r mut bool),
    U64(&'r mut Option<u64>),
    Raw(&'r mut Option<Json<'a>>),
    Message(&'r mut Option<Message<'a>>),
    Compact(&'r mut Option<CompactMetadata>),
    /// A key no rule reads: skipped, and counted when not in [`KNOWN_IGNORED`].
    Other(&'r mut Vec<Cow<'a, str>>),
}

impl<'a> Record<'a> {
    fn slot(&mut self, key: &str) -> Slot<'_, 'a> {
        match key {
            "type" => Slot::Str(&mut self.kind),
            "subtype" => Slot::Str(&mut self.subtype),
            "uuid" => Slot::Str(&mut self.uuid),
            "sessionId" => Slot::Str(&mut self.session_id),
            "timestamp" => Slot::Str(&mut self.timestamp),
            "cwd" => Slot::Str(&mut self.cwd),
            "gitBranch" => Slot::Str(&mut self.git_branch),
            "version" => Slot::Str(&mut self.version),
            "agentId" => Slot::Str(&mut self.agent_id),
            "isSidechain" => Slot::Bool(&mut self.is_sidechain),
            "isMeta" => Slot::Bool(&mut self.is_meta),
            "isCompactSummary" => Slot::Bool(&mut self.is_compact_summary),
            "isVisibleInTranscriptOnly" => Slot::Bool(&mut self.is_visible_in_transcript_only),
            "isApiErrorMessage" => Slot::Bool(&mut self.is_api_error_message),
            "message" => Slot::Message(&mut self.message),
            "toolUseResult" => Slot::Raw(&mut self.tool_use_result),
            "toolDenialKind" => Slot::Str(&mut self.tool_denial_kind),
            "apiErrorStatus" => Slot::U64(&mut self.api_error_status),
            "error" => Slot::Raw(&mut self.error),
            "content" => Slot::Raw(&mut self.content),
            "compactMetadata" => Slot::Compact(&mut self.compact_metadata),
            "operation" => Slot::Str(&mut self.operation),
            "durationMs" => Slot::U64(&mut self.duration_ms),
            "attachment" => Slot::Raw(&mut self.attachment),
            "origin" => Slot::Raw(&mut self.origin),
            "promptSource" => Slot::Str(&mut self.prompt_source),
            "summary" => Slot::Str(&mut self.summary),
            "customTitle" => Slot::Str(&mut self.custom_title),
            "aiTitle" => Slot::Str(&mut self.ai_title),
            "agentName" => Slot::Str(&mut self.agent_name),
            "level" => Slot::Str(&mut self.level),
            "permissionMode" => Slot::Str(&mut self.permission_mode),
            "entrypoint" => Slot::Str(&mut self.entrypoint),
            _ => Slot::Other(&mut self.unknown_fields),
        }
    }
}

/// `message` that is not an object (or is malformed inside) reads as absent.
struct LMessage<'a>(Option<Message<'a>>);
/// `compactMetadata` that is not the expected object reads as absent.
struct LCompact(Option<CompactMetadata>);

impl<'de: 'a, 'a> Deserialize<'de> for LMessage<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A message that is not an object reads as absent; its fields are lenient themselves.
        Ok(LMessage(ObjOr::<Message<'de>>::deserialize(d)?.0))
    }
}

/// An object read with `T`'s own (derived) rules, in one pass; any other JSON value is `None`.
/// Used where a value of the wrong shape must lose only itself, never the line.
pub struct ObjOr<T>(pub Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = ObjOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<ObjOr<T>, M::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| ObjOr(Some(t)))
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<ObjOr<T>, S::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ObjOr(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<ObjOr<T>, E> {
                Ok(ObjOr(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for LCompact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(LCompact(ObjOr::<CompactMetadata>::deserialize(d)?.0))
    }
}

// ---------------------------------------------------------------------------------------------
// Content: string | array of blocks | anything else (ignored).

impl<'de: 'a, 'a> Deserialize<'de> for Content<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ContentVisitor(std::marker::PhantomData))
    }
}

struct ContentVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ContentVisitor<'a> {
    type Value = Content<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a list of content blocks")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Content::Text(Cow::Owned(v)))
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let mut blocks = Vec::new();
        // A block that is not an object (a bare string in the list) is skipped, not fatal.
        while let Some(ObjOr(b)) = seq.next_element::<ObjOr<Block<'de>>>()? {
            blocks.extend(b);
        }
        Ok(Content::Blocks(blocks))
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Content::None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Content::None)
    }
}

// ---------------------------------------------------------------------------------------------
// Lenient scalars: one visitor that accepts any JSON value and keeps only the expected type.

/// What a lenient read keeps.
enum Want {
    Str,
    Bool,
    U64,
}

struct Lenient<'a> {
    want: Want,
    _p: std::marker::PhantomData<&'a ()>,
}

/// The value a lenient read produced.
enum Got<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    U64(u64),
    Nothing,
}

impl<'de: 'a, 'a> Visitor<'de> for Lenient<'a> {
    type Value = Got<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Got<'a>, E> {
        Ok(if matches!(self.want, Want::Str) {
            Got::Str(Cow::Borrowed(v))
        } else {
            Got::Nothing
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Got<'a>, E> {
        Ok(if matches!(self.want, Want::Str) {
            Got::Str(Cow::Owned(v.to_owned()))
        } else {
            Got::Nothing
        })
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Got<'a>, E> {
        Ok(if matches!(self.want, Want::Bool) {
            Got::Bool(v)
        } else {
            Got::Nothing
        })
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Got<'a>, E> {
        Ok(if matches!(self.want, Want::U64) {
            Got::U64(v)
        } else {
            Got::Nothing
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Got<'a>, E> {
        Ok(match (&self.want, u64::try_from(v)) {
            (Want::U64, Ok(v)) => Got::U64(v),
            _ => Got::Nothing,
        })
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Got<'a>, E> {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked range"
        )]
        Ok(
            if matches!(self.want, Want::U64) && v.is_finite() && (0.0..1.8e19).contains(&v) {
                Got::U64(v as u64)
            } else {
                Got::Nothing
            },
        )
    }
    fn visit_unit<E: de::Error>(self) -> Result<Got<'a>, E> {
        Ok(Got::Nothing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Got<'a>, E> {
        Ok(Got::Nothing)
    }
    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Got<'a>, S::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Got::Nothing)
    }
    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Got<'a>, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Got::Nothing)
    }
}

fn lenient<'de: 'a, 'a, D: Deserializer<'de>>(d: D, want: Want) -> Result<Got<'a>, D::Error> {
    d.deserialize_any(Lenient {
        want,
        _p: std::marker::PhantomData,
    })
}

impl<'de: 'a, 'a> Deserialize<'de> for LStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(LStr(match lenient(d, Want::Str)? {
            Got::Str(s) => Some(s),
            _ => None,
        }))
    }
}

impl<'de> Deserialize<'de> for LBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(LBool(matches!(lenient(d, Want::Bool)?, Got::Bool(true))))
    }
}

impl<'de> Deserialize<'de> for LU64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(LU64(match lenient(d, Want::U64)? {
            Got::U64(v) => Some(v),
            _ => None,
        }))
    }
}

fn lenient_str<'de: 'a, 'a, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'a, str>>, D::Error> {
    LStr::deserialize(d).map(|v| v.0)
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    LStr::deserialize(d).map(|v| v.0.map(Cow::into_owned))
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    LBool::deserialize(d).map(|v| v.0)
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    LU64::deserialize(d).map(|v| v.0.unwrap_or(0))
}

fn lenient_u64_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    LU64::deserialize(d).map(|v| v.0)
}

fn lenient_usage<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Usage>, D::Error> {
    Ok(ObjOr::<Usage>::deserialize(d)?.0)
}

/// The text of a `tool_result` content (a string or a list of `text` blocks), or of any raw
/// JSON string. Non-text parts are skipped. Allocates only when the JSON string has escapes.
#[must_use]
pub fn raw_text(raw: &str) -> Cow<'_, str> {
    let s = raw.trim_start();
    if s.starts_with('"') {
        if let Some((end, escapes)) = crate::core::json_skip::string_span(s.as_bytes(), 0)
            && end == s.len()
            && let Some(text) = crate::core::json_skip::text(s, escapes)
        {
            return text;
        }
        return serde_json::from_str::<LStr<'_>>(s)
            .ok()
            .and_then(|v| v.0)
            .unwrap_or_default();
    }
    if s.starts_with('[') {
        #[derive(Deserialize)]
        struct TextPart<'a> {
            #[serde(borrow, default, deserialize_with = "lenient_str")]
            text: Option<Cow<'a, str>>,
        }
        let parts: Vec<&RawValue> = serde_json::from_str(s).unwrap_or_default();
        let texts: Vec<Cow<'_, str>> = parts
            .iter()
            .filter_map(|p| serde_json::from_str::<TextPart<'_>>(p.get()).ok()?.text)
            .collect();
        return match texts.len() {
            0 => Cow::Borrowed(""),
            1 => texts.into_iter().next().unwrap_or_default(),
            _ => Cow::Owned(texts.join("\n")),
        };
    }
    Cow::Borrowed("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_fields_and_blocks_parse() {
        let line = r#"{"type":"assistant","isSidechain":false,"message":{"id":"msg_1","model":"m","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":3,"output_tokens":13}}}"#;
        let r: Record<'_> = serde_json::from_str(line).unwrap();
        assert_eq!(r.kind.as_deref(), Some("assistant"));
        let m = r.message.unwrap();
        assert_eq!(m.id.as_deref(), Some("msg_1"));
        assert_eq!(m.usage.unwrap().output_tokens, 13);
        let b = &m.content.blocks()[0];
        assert_eq!(b.name.as_deref(), Some("Bash"));
        assert_eq!(b.input.unwrap().get(), r#"{"command":"ls"}"#);
        assert!(r.unknown_fields.is_empty());
    }

    #[test]
    fn wrong_types_lose_the_field_not_the_line() {
        let line = r#"{"type":"user","isSidechain":"[trimmed]","timestamp":42,"uuid":null,"message":{"content":"hi","usage":"x"},"durationMs":"soon"}"#;
        let r: Record<'_> = serde_json::from_str(line).unwrap();
        assert!(!r.is_sidechain);
        assert_eq!(r.timestamp, None);
        assert_eq!(r.duration_ms, None);
        let m = r.message.unwrap();
        assert!(matches!(m.content, Content::Text(ref t) if t == "hi"));
        assert_eq!(m.usage, None);
    }

    #[test]
    fn unknown_keys_are_counted_known_ones_are_not() {
        let line = r#"{"type":"user","slug":"x","brandNewField":1,"anotherOne":{"a":[1]}}"#;
        let r: Record<'_> = serde_json::from_str(line).unwrap();
        assert_eq!(r.unknown_fields, vec!["brandNewField", "anotherOne"]);
    }

    #[test]
    fn non_object_blocks_are_skipped() {
        let line =
            r#"{"type":"user","message":{"content":["bare",{"type":"text","text":"ok"},7]}}"#;
        let r: Record<'_> = serde_json::from_str(line).unwrap();
        let blocks = r.message.unwrap().content;
        assert_eq!(blocks.blocks().len(), 1);
        assert_eq!(blocks.blocks()[0].text.as_deref(), Some("ok"));
    }

    #[test]
    fn escaped_strings_are_owned_plain_ones_borrowed() {
        let line = r#"{"type":"user","cwd":"C:\\Users\\dev","version":"2.1.39"}"#;
        let r: Record<'_> = serde_json::from_str(line).unwrap();
        assert!(matches!(r.cwd, Some(Cow::Owned(ref s)) if s == r"C:\Users\dev"));
        assert!(matches!(r.version, Some(Cow::Borrowed("2.1.39"))));
    }

    #[test]
    fn raw_text_reads_strings_and_text_blocks() {
        let v: Box<RawValue> = serde_json::from_str(r#""Exit code 1\nboom""#).unwrap();
        assert_eq!(raw_text(v.get()), "Exit code 1\nboom");
        let v: Box<RawValue> = serde_json::from_str(
            r#"[{"type":"text","text":"a"},{"type":"image"},{"type":"text","text":"b"}]"#,
        )
        .unwrap();
        assert_eq!(raw_text(v.get()), "a\nb");
        let v: Box<RawValue> = serde_json::from_str("17").unwrap();
        assert_eq!(raw_text(v.get()), "");
        // A plain string is borrowed; escapes are decoded as serde decodes them, and a string
        // serde rejects (a lone surrogate) reads as nothing.
        assert!(matches!(raw_text(r#""plain""#), Cow::Borrowed("plain")));
        for s in [
            r#""tab\there \"q\" \u00e9\uD83D\uDE00""#,
            r#""lone \uD800""#,
        ] {
            let serde: Option<String> = serde_json::from_str(s).ok();
            assert_eq!(raw_text(s), serde.unwrap_or_default(), "{s}");
        }
    }
}
