//! Paging: which list operations page through their results, and how. Decided once here and
//! recorded on the operation, so that every emitter reads the same answer.

use super::Lowerer;
use crate::model::{
    Field, HttpMethod, MemberRef, Operation, Paging, PagingMode, PagingParam, TypeDef, TypeRef,
};

/// The query parameter that sets the page size.
const LIMIT: &str = "limit";
/// The query parameter that skips items.
const OFFSET: &str = "offset";
/// The query parameter that starts a page after the item of this ID.
const MARKER: &str = "marker";
/// The member of an item that is its marker.
const ITEM_ID: &str = "id";
/// The member of a page holding the total number of items.
const COUNT: &str = "count";

impl Lowerer<'_> {
    /// How `operation` pages, if it does: a `GET` with optional integer `limit` and `offset`
    /// (or string `marker`) query parameters whose success body has exactly one list of
    /// objects. It pages by `marker` when the items have a string `id`; a page's `count` and
    /// `limit` members are read when the page has them.
    pub(super) fn paging(&self, operation: &Operation) -> Option<Paging> {
        if operation.http_method != HttpMethod::Get {
            return None;
        }
        let optional = |name: &str, integer: bool| {
            let param = operation
                .query_params
                .iter()
                .find(|p| p.name == name && !p.required)?;
            let fits = if integer {
                is_integer(&param.ty)
            } else {
                param.ty == TypeRef::String
            };
            fits.then(|| PagingParam {
                name: param.name.clone(),
                rust_name: param.rust_name.clone(),
                ty: param.ty.clone(),
            })
        };
        let limit = optional(LIMIT, true)?;
        let offset = optional(OFFSET, true);
        let marker = optional(MARKER, false);
        let Some(TypeRef::Named(page)) = &operation.success.body else {
            return None;
        };
        let body = self.types.get(page).and_then(TypeDef::as_struct)?;
        let lists: Vec<(&Field, &String)> = body
            .fields
            .iter()
            .filter_map(|field| match &field.ty {
                TypeRef::Array(item) => match &**item {
                    TypeRef::Named(item) => Some((field, item)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let [(items, item)] = lists.as_slice() else {
            return None;
        };
        let item_def = self.types.get(*item).and_then(TypeDef::as_struct)?;
        let item_id = item_def
            .fields
            .iter()
            .find(|f| f.name == ITEM_ID && f.ty == TypeRef::String)
            .map(MemberRef::of);
        let mode = if marker.is_some() && item_id.is_some() {
            PagingMode::Marker
        } else if offset.is_some() {
            PagingMode::Offset
        } else {
            return None;
        };
        let integer_member = |name: &str| {
            body.fields
                .iter()
                .find(|f| f.name == name && is_integer(&f.ty))
                .map(MemberRef::of)
        };
        Some(Paging {
            mode,
            limit,
            offset,
            marker,
            page: page.clone(),
            items: MemberRef::of(items),
            item: (*item).clone(),
            item_id,
            count: integer_member(COUNT),
            reported_limit: integer_member(LIMIT),
        })
    }
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64)
}
