//! One block of the article: its text with nested `<mark>`s.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use yew::prelude::*;

use crate::model::{BlockView, Piece};

/// How many times any block has rendered (tests check that an edit
/// re-renders only the blocks it touches).
pub static BLOCK_RENDERS: AtomicUsize = AtomicUsize::new(0);

/// Props: the block's render data, compared by pointer.
#[derive(Properties, Clone)]
pub struct BlockProps {
    /// Render data; a new `Rc` only when the block changed.
    pub view: Rc<BlockView>,
}

impl PartialEq for BlockProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
    }
}

fn piece(p: &Piece) -> Html {
    let mut node: Html = html! { { p.text.clone() } };
    let depth = p.marks.len();
    for (i, m) in p.marks.iter().enumerate().rev() {
        let class = classes!(
            "hl",
            format!("d{}", i.min(3)),
            (i + 1 == depth).then_some("inner"),
            m.edited.then_some("edited")
        );
        node = html! {
            <mark
                class={class}
                data-annotation-id={m.id.to_string()}
                data-label={m.label.to_string()}
                tabindex={if m.first { "0" } else { "-1" }}
                title={m.title.to_string()}
            >{ node }</mark>
        };
    }
    node
}

/// A paragraph (or the title heading) of the article.
#[function_component(Block)]
pub fn block(props: &BlockProps) -> Html {
    BLOCK_RENDERS.fetch_add(1, Ordering::Relaxed);
    let v = &props.view;
    let children: Html = v.pieces.iter().map(piece).collect();
    let index = v.index.to_string();
    // The blank lines around the block are bare text nodes of #article.
    let before = (!v.before.is_empty()).then(|| html! { { AttrValue::from(v.before.clone()) } });
    let after = (!v.after.is_empty()).then(|| html! { { AttrValue::from(v.after.clone()) } });
    let body = if v.heading {
        html! { <h1 class="block title" data-block={index}>{ children }</h1> }
    } else {
        html! { <p class="block" data-block={index}>{ children }</p> }
    };
    html! { <>{ for before }{ body }{ for after }</> }
}

/// Props of [`ArticleBody`]: every block's render data, compared by pointer.
#[derive(Properties, Clone)]
pub struct ArticleProps {
    /// One entry per block.
    pub views: Rc<Vec<Rc<BlockView>>>,
}

impl PartialEq for ArticleProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.views, &other.views)
    }
}

/// The article's blocks. Re-renders only when a block changed (not when
/// the picker, alerts or the side panel change), and then only the
/// changed blocks render again.
#[function_component(ArticleBody)]
pub fn article_body(props: &ArticleProps) -> Html {
    html! { <>{ for props.views.iter().map(|v| html! { <Block key={v.index} view={v.clone()} /> }) }</> }
}
