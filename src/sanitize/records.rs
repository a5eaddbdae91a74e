//! The input as a flat batch of tag and text records, for policies with JavaScript
//! callbacks: html5ever's tokenizer (the same states the sanitizer uses), one call, no tree.
//! Layout: `S name n (attr value){n} selfClosing("1"|"")`, `E name`, `T text` (decoded).

use super::stream::content_kind;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::TokenizerResult;
use std::cell::RefCell;

struct Recorder(RefCell<Vec<String>>);

impl TokenSink for Recorder {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                if tag.kind == TagKind::StartTag {
                    out.push("S".into());
                    out.push(tag.name.to_string());
                    out.push(tag.attrs.len().to_string());
                    for a in &tag.attrs {
                        out.push(a.name.local.to_string());
                        out.push(a.value.to_string());
                    }
                    out.push(if tag.self_closing { "1" } else { "" }.into());
                    return content_kind(&tag.name);
                }
                out.push("E".into());
                out.push(tag.name.to_string());
            }
            Token::CharacterTokens(text) => {
                let n = out.len();
                if n >= 2 && out[n - 2] == "T" {
                    out[n - 1].push_str(&text);
                } else {
                    out.push("T".into());
                    out.push(text.to_string());
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tokenizes `input` into records (bounded by the input: at most a few per input byte).
pub fn records(input: &str) -> Vec<String> {
    let sink = Recorder(RefCell::new(Vec::new()));
    let tokenizer = Tokenizer::new(&sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    while let TokenizerResult::Script(()) = tokenizer.feed(&queue) {}
    tokenizer.end();
    drop(tokenizer);
    sink.0.into_inner()
}

impl TokenSink for &Recorder {
    type Handle = ();
    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        (*self).process_token(token, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_tags_and_decoded_text() {
        assert_eq!(
            records("a&amp;b<p id=x>c</p><script>1<2</script><br/>"),
            [
                "T", "a&b", "S", "p", "1", "id", "x", "", "T", "c", "E", "p", "S", "script", "0",
                "", "T", "1<2", "E", "script", "S", "br", "0", "1"
            ]
        );
    }
}
