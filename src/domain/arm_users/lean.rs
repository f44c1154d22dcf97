//! A page read straight from its bytes, for a sync: each user's fields
//! land where they are used, with no `serde_json::Value` map per user
//! (building and dropping those maps was most of a large list's parse),
//! and a field sent as a string without escapes is read in place, copied
//! once into the user it makes. Only a page in an envelope the defaults
//! find (no `users_pointer` nor `total_pointer`) with every user an object
//! is read this way; anything else, and every page it cannot read, is read
//! as a `Value` by [`read_page`](super::read_page), which words the
//! errors. Both readings give the same users.

use super::page::{read_fields, FieldRef, Fields};
use super::{ArmPage, ArmUser, Envelope, PageShape, LIST_KEYS, TOTAL_KEYS};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// The fields a user is read from, by position.
const KNOWN: [&str; 8] = [
    "id",
    "userName",
    "displayName",
    "status",
    "phoneNumber",
    "uri",
    "lastSeen",
    "sbc",
];

/// A known field's value: text (borrowed from the page when it has no
/// escape), or any other JSON as the `Value` reading makes it.
enum Known<'de> {
    Text(Cow<'de, str>),
    Json(Value),
}

impl Known<'_> {
    fn as_field(&self) -> FieldRef<'_> {
        match self {
            Known::Text(s) => FieldRef::Text(s),
            Known::Json(v) => FieldRef::Json(v),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Known::Text(s) => Value::String(s.to_string()),
            Known::Json(v) => v.clone(),
        }
    }
}

impl<'de> de::Deserialize<'de> for Known<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KnownVisitor)
    }
}

/// Reads a value as `Value`'s own visitor does, but a string as text.
struct KnownVisitor;

impl<'de> Visitor<'de> for KnownVisitor {
    type Value = Known<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Known<'de>, E> {
        Ok(Known::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Known<'de>, E> {
        Ok(Known::Text(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Known<'de>, E> {
        Ok(Known::Text(Cow::Owned(s)))
    }
    fn visit_bool<E>(self, b: bool) -> Result<Known<'de>, E> {
        Ok(Known::Json(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Known<'de>, E> {
        Ok(Known::Json(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Known<'de>, E> {
        Ok(Known::Json(Value::from(n)))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Known<'de>, E> {
        Ok(Known::Json(Value::from(n)))
    }
    fn visit_unit<E>(self) -> Result<Known<'de>, E> {
        Ok(Known::Json(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Known<'de>, A::Error> {
        de::Deserialize::deserialize(SeqAccessDeserializer::new(seq)).map(Known::Json)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Known<'de>, A::Error> {
        de::Deserialize::deserialize(MapAccessDeserializer::new(map)).map(Known::Json)
    }
}

/// One user: its known fields, and the others as sent (a user without an
/// id is told apart by its whole JSON). A key sent twice keeps its last
/// value, as a `Value` map does.
#[derive(Default)]
struct LeanUser<'de> {
    known: [Option<Known<'de>>; KNOWN.len()],
    others: Vec<(String, Value)>,
}

impl Fields for LeanUser<'_> {
    fn field(&self, name: &str) -> Option<FieldRef<'_>> {
        match KNOWN.iter().position(|k| *k == name) {
            Some(i) => self.known[i].as_ref().map(Known::as_field),
            None => self
                .others
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| FieldRef::of(v)),
        }
    }

    fn pointer(&self, pointer: &str) -> Option<FieldRef<'_>> {
        let rest = pointer.strip_prefix('/')?;
        let (first, tail) = match rest.split_once('/') {
            Some((first, tail)) => (first, Some(tail)),
            None => (rest, None),
        };
        let v = self.field(&first.replace("~1", "/").replace("~0", "~"))?;
        match (tail, v) {
            (None, v) => Some(v),
            (Some(tail), FieldRef::Json(v)) => v.pointer(&format!("/{tail}")).map(FieldRef::of),
            // A string holds nothing a pointer could find.
            (Some(_), FieldRef::Text(_)) => None,
        }
    }

    fn json(&self) -> String {
        let mut m = Map::new();
        for (k, v) in KNOWN.iter().zip(&self.known) {
            if let Some(v) = v {
                m.insert((*k).to_string(), v.to_value());
            }
        }
        for (k, v) in &self.others {
            m.insert(k.clone(), v.clone());
        }
        Value::Object(m).to_string()
    }
}

/// A key of a user: one of [`KNOWN`] (not copied) or another.
enum UserKey {
    Known(usize),
    Other(String),
}

impl<'de> de::Deserialize<'de> for UserKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = UserKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<UserKey, E> {
                Ok(match KNOWN.iter().position(|k| *k == s) {
                    Some(i) => UserKey::Known(i),
                    None => UserKey::Other(s.to_string()),
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> de::Deserialize<'de> for LeanUser<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LeanUser<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a user object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeanUser<'de>, A::Error> {
                let mut u = LeanUser::default();
                while let Some(k) = map.next_key::<UserKey>()? {
                    match k {
                        UserKey::Known(i) => u.known[i] = Some(map.next_value()?),
                        UserKey::Other(k) => u.others.push((k, map.next_value()?)),
                    }
                }
                Ok(u)
            }
        }
        d.deserialize_map(V)
    }
}

/// A value the page is not read from, read as a `Value` all the same:
/// skipping it (`IgnoredAny`) would let through a nesting deeper than
/// the parser's limit, which the `Value` reading refuses.
type Unused = Value;

/// A value under one of [`LIST_KEYS`]: the users, each read as it comes,
/// when it is a list of objects; `None` when it is no list (the next key
/// is tried).
struct ListSlot<'s>(&'s PageShape);

impl<'de> DeserializeSeed<'de> for ListSlot<'_> {
    type Value = Option<Vec<ArmUser>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ListSlot<'_> {
    type Value = Option<Vec<ArmUser>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut users = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(u) = seq.next_element::<LeanUser<'de>>()? {
            users.push(read_fields(&u, self.0));
        }
        Ok(Some(users))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, Unused>()?.is_some() {}
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A page's top level: a bare array, or an object whose list and total
/// sit under the default keys (the last of a key sent twice counts).
#[derive(Default)]
struct LeanBody {
    bare: Option<Vec<ArmUser>>,
    lists: [Option<Option<Vec<ArmUser>>>; LIST_KEYS.len()],
    totals: [Option<Value>; TOTAL_KEYS.len()],
}

/// Reads a [`LeanBody`], its users by this shape.
struct BodySeed<'s>(&'s PageShape);

impl<'de> DeserializeSeed<'de> for BodySeed<'_> {
    type Value = LeanBody;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<LeanBody, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BodySeed<'_> {
    type Value = LeanBody;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a page")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<LeanBody, A::Error> {
        Ok(LeanBody {
            bare: ListSlot(self.0).visit_seq(seq)?,
            ..LeanBody::default()
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeanBody, A::Error> {
        let mut body = LeanBody::default();
        while let Some(k) = map.next_key::<UserKey>()? {
            let name = match &k {
                UserKey::Known(i) => KNOWN[*i],
                UserKey::Other(s) => s.as_str(),
            };
            if let Some(i) = LIST_KEYS.iter().position(|l| *l == name) {
                body.lists[i] = Some(map.next_value_seed(ListSlot(self.0))?);
            } else if let Some(i) = TOTAL_KEYS.iter().position(|t| *t == name) {
                body.totals[i] = Some(map.next_value()?);
            } else {
                map.next_value::<Unused>()?;
            }
        }
        Ok(body)
    }
}

/// The page read from `body` without a `Value` per user, each user's raw
/// JSON left null (as [`ArmPage::without_raw`]); `None` when the shape
/// has pointers or the page is not the plain case (the caller then reads
/// it as a `Value`, which gives the same users or words the error).
pub fn read_page_lean(body: &[u8], shape: &PageShape) -> Option<ArmPage> {
    if shape.users_pointer.is_some() || shape.total_pointer.is_some() {
        return None;
    }
    // As `decode_body` reads a body: nothing but whitespace may follow
    // the value (otherwise the Value reading words the error).
    let de = &mut serde_json::Deserializer::from_slice(body);
    let parsed = BodySeed(shape).deserialize(&mut *de).ok()?;
    de.end().ok()?;
    let (envelope, users, total) = match parsed.bare {
        Some(users) => (Envelope::BareArray, users, None),
        None => {
            let (i, users) = parsed
                .lists
                .into_iter()
                .enumerate()
                .find_map(|(i, l)| l.flatten().map(|u| (i, u)))?;
            let total = TOTAL_KEYS
                .iter()
                .zip(&parsed.totals)
                .find_map(|(k, v)| v.as_ref().and_then(super::page::as_count).map(|n| (n, *k)));
            (Envelope::Key(LIST_KEYS[i].to_string()), users, total)
        }
    };
    Some(ArmPage {
        envelope,
        total: total.map(|(n, _)| n),
        total_at: total.map(|(_, k)| k.to_string()),
        users,
    })
}
