//! Paginated listings: [`Pages`] and [`Items`], streams that walk every page of a list
//! operation.
//!
//! The generated request builders of the list operations that page have `into_pages()` and
//! `into_items()` (they implement [`Paginate`]). Both return a [`futures_core::Stream`];
//! without a stream library, call their own [`next`](Pages::next) or
//! [`try_collect`](Pages::try_collect):
//!
//! ```text
//! let mut servers = client.list_servers().limit(100).into_items();
//! while let Some(server) = servers.next().await {
//!     println!("{:?}", server?.name);
//! }
//! ```
//!
//! A listing starts where the builder says (its `offset` or `marker`, if set) and moves on by
//! `offset`, or by `marker` (the ID of the last item) where the operation offers it. It stops
//! after the page that reaches `count`, after a page shorter than the page size (the `limit`
//! set on the builder, or else the one the service reports), and at an empty page. A page that
//! repeats an earlier one (the service ignoring the paging parameters) ends the stream with
//! [`Error::Pagination`] instead of looping.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::Serialize;

use crate::client::ResponseFuture;
use crate::error::{Error, PaginationError};
use crate::response::{CodeOf, Operation};

/// How a listing moves from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagingMode {
    /// `offset` grows by the number of items received.
    Offset,
    /// `marker` is the ID of the last item received.
    Marker,
}

/// Where the next page starts. Generated `Paginate` impls match on it, so it has exactly these
/// two variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// The number of items to skip.
    Offset(i64),
    /// The ID of the last item of the previous page.
    Marker(String),
}

/// A request builder of a list operation that pages; implemented by the generated builders.
///
/// The methods are what [`Pages`] needs to walk the listing; call `into_pages()` or
/// `into_items()` on the builder instead of using them directly.
pub trait Paginate: Operation + Clone + Send + Unpin + 'static {
    /// The response body of one page.
    type Page: Send + 'static;
    /// One item of a page.
    type Item: Serialize + Send + Unpin + 'static;

    /// The operation ID, for errors and logs.
    const OPERATION: &'static str = Self::OPERATION_ID;
    /// How the operation moves from page to page.
    const MODE: PagingMode;

    /// The page size set on the builder.
    fn page_size(&self) -> Option<i64>;
    /// The offset set on the builder.
    fn start_offset(&self) -> Option<i64>;
    /// The same request for the page at `position`.
    fn at_position(self, position: Position) -> Self;
    /// Sends the request for one page.
    fn send_page(self) -> ResponseFuture<Self::Page, CodeOf<Self>>;
    /// The total number of items the page reports (`count`).
    fn total(page: &Self::Page) -> Option<i64>;
    /// The page size the page reports (`limit`), where it has one.
    fn reported_page_size(page: &Self::Page) -> Option<i64>;
    /// The items of a page.
    fn items(page: &Self::Page) -> &[Self::Item];
    /// The items of a page, taken out of it.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
    /// The ID of an item, the marker of the page after it.
    fn marker(item: &Self::Item) -> Option<&str>;
}

/// One page of the listing of `B`, or why it could not be fetched.
pub type PageResult<B> = Result<<B as Paginate>::Page, Error<CodeOf<B>>>;

/// One item of the listing of `B`, or why its page could not be fetched.
pub type ItemResult<B> = Result<<B as Paginate>::Item, Error<CodeOf<B>>>;

/// Every page of a listing, as a [`futures_core::Stream`] of `Result<Page, Error>`.
///
/// The stream ends after an error.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<B: Paginate> {
    next: Option<B>,
    /// The request of the page being fetched.
    current: Option<B>,
    fetching: Option<ResponseFuture<B::Page, CodeOf<B>>>,
    pages: u64,
    offset: i64,
    seen: HashSet<u64>,
}

impl<B: Paginate> std::fmt::Debug for Pages<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &B::OPERATION)
            .field("pages", &self.pages)
            .field("done", &(self.next.is_none() && self.fetching.is_none()))
            .finish()
    }
}

impl<B: Paginate> Pages<B> {
    /// The listing that starts with the request `first`.
    pub fn new(first: B) -> Self {
        Pages {
            offset: first.start_offset().unwrap_or(0),
            next: Some(first),
            current: None,
            fetching: None,
            pages: 0,
            seen: HashSet::new(),
        }
    }

    /// The next page, or `None` at the end.
    pub async fn next(&mut self) -> Option<PageResult<B>> {
        std::future::poll_fn(|cx| self.poll_page(cx)).await
    }

    /// Every page, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<B::Page>, Error<CodeOf<B>>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<PageResult<B>>> {
        loop {
            if let Some(fetching) = &mut self.fetching {
                let result = match fetching.as_mut().poll(cx) {
                    Poll::Ready(result) => result,
                    Poll::Pending => return Poll::Pending,
                };
                self.fetching = None;
                let outcome = match result {
                    Ok(page) => self.accept(page),
                    Err(error) => Some(Err(error)),
                };
                if let Some(outcome) = outcome {
                    return Poll::Ready(Some(outcome));
                }
                continue;
            }
            match self.next.take() {
                Some(request) => {
                    self.current = Some(request.clone());
                    self.fetching = Some(request.send_page());
                }
                None => return Poll::Ready(None),
            }
        }
    }

    /// Takes a page and decides on the next request; `None` for a page not to yield (an
    /// empty page after the first).
    fn accept(&mut self, page: B::Page) -> Option<PageResult<B>> {
        let request = self.current.take();
        self.pages += 1;
        let items = B::items(&page);
        let received = items.len() as i64;
        if received == 0 {
            return (self.pages == 1).then_some(Ok(page));
        }
        if !self.seen.insert(fingerprint(items)) {
            tracing::warn!(
                operation = B::OPERATION,
                page = self.pages,
                "a page repeats an earlier one; pagination stopped"
            );
            return Some(Err(Error::Pagination(Box::new(PaginationError {
                operation: B::OPERATION,
                page: self.pages,
            }))));
        }
        self.offset += received;
        let request = request?;
        let page_size = request.page_size().or_else(|| B::reported_page_size(&page));
        let short = page_size.is_some_and(|size| received < size);
        let counted = B::total(&page).is_some_and(|total| self.offset >= total);
        let next = match B::MODE {
            PagingMode::Offset => Some(Position::Offset(self.offset)),
            PagingMode::Marker => items
                .last()
                .and_then(B::marker)
                .map(|marker| Position::Marker(marker.to_owned())),
        };
        if let (false, false, Some(position)) = (short, counted, next) {
            self.next = Some(request.at_position(position));
        }
        Some(Ok(page))
    }
}

/// A hash of a page's items, to recognise a page the service sends twice.
fn fingerprint<T: Serialize>(items: &[T]) -> u64 {
    let mut hasher = DefaultHasher::new();
    match serde_json::to_vec(items) {
        Ok(bytes) => bytes.hash(&mut hasher),
        // Items that cannot be serialised are never equal to another page's.
        Err(_) => std::ptr::from_ref(items).cast::<u8>().hash(&mut hasher),
    }
    hasher.finish()
}

impl<B: Paginate> futures_core::Stream for Pages<B> {
    type Item = PageResult<B>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_page(cx)
    }
}

/// Every item of every page of a listing, as a [`futures_core::Stream`] of
/// `Result<Item, Error>`.
///
/// The stream ends after an error.
#[must_use = "streams do nothing unless polled"]
pub struct Items<B: Paginate> {
    pages: Pages<B>,
    buffered: std::vec::IntoIter<B::Item>,
}

impl<B: Paginate> std::fmt::Debug for Items<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl<B: Paginate> Items<B> {
    /// The items of the listing that starts with the request `first`.
    pub fn new(first: B) -> Self {
        Items {
            pages: Pages::new(first),
            buffered: Vec::new().into_iter(),
        }
    }

    /// The next item, or `None` at the end.
    pub async fn next(&mut self) -> Option<ItemResult<B>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Every item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<B::Item>, Error<CodeOf<B>>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<ItemResult<B>>> {
        loop {
            if let Some(item) = self.buffered.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match self.pages.poll_page(cx) {
                Poll::Ready(Some(Ok(page))) => self.buffered = B::into_items(page).into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<B: Paginate> futures_core::Stream for Items<B> {
    type Item = ItemResult<B>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}
