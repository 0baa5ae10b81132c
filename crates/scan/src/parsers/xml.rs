//! A small element tree over quick-xml, enough for pom.xml and MSBuild files.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Deeper elements are skipped: no manifest nests this far, and it bounds the tree.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// `self/a/b/c`, all matches.
    pub fn path<'a>(&'a self, path: &[&'a str]) -> Vec<&'a Element> {
        let mut current = vec![self];
        for name in path {
            current = current.into_iter().flat_map(|e| e.children_named(name)).collect();
        }
        current
    }

    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim()).filter(|t| !t.is_empty())
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every element below this one (depth first).
    pub fn descendants(&self) -> Vec<&Element> {
        let mut out = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(e) = stack.pop() {
            out.push(e);
            stack.extend(e.children.iter().rev());
        }
        out
    }
}

/// Parses a document into its root element.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text.trim_start_matches('\u{feff}'));
    let mut stack: Vec<Element> = vec![Element::default()];
    let mut skipped = 0usize;
    loop {
        let event =
            reader.read_event().map_err(|e| format!("invalid XML at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => {
                if skipped > 0 || stack.len() > MAX_DEPTH {
                    skipped += 1;
                } else {
                    stack.push(element(&start));
                }
            }
            Event::Empty(start) => {
                if skipped == 0
                    && stack.len() <= MAX_DEPTH
                    && let Some(top) = stack.last_mut()
                {
                    top.children.push(element(&start));
                }
            }
            Event::Text(text) => {
                if skipped == 0
                    && let Some(top) = stack.last_mut()
                {
                    top.text.push_str(&text);
                }
            }
            Event::CData(data) => {
                if skipped == 0
                    && let Some(top) = stack.last_mut()
                {
                    top.text.push_str(&data);
                }
            }
            Event::End(_) => {
                if skipped > 0 {
                    skipped -= 1;
                } else if stack.len() > 1 {
                    let done = stack.pop().unwrap_or_default();
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(done);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("invalid XML: unclosed elements at end of file".into());
    }
    let document = stack.pop().unwrap_or_default();
    document.children.into_iter().next().ok_or_else(|| "invalid XML: no root element".to_owned())
}

fn element(start: &BytesStart<'_>) -> Element {
    let name = start.local_name().as_ref().to_owned();
    let attributes =
        start.attributes().flatten().map(|a| (a.key.local_name().as_ref().to_owned(), a.value.into_owned())).collect();
    Element { name, attributes, ..Element::default() }
}
