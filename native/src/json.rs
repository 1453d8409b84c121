//! A small strict JSON parser (std only), shared by the JSONL hot path and
//! the rule table.

/// A parsed JSON value; `Str` carries whether it had a lone surrogate.
pub enum J {
    Str(Vec<u8>, bool),
    Num(Vec<u8>),
    Bool,
    Null,
    Arr(Vec<J>),
    Obj(Vec<(Vec<u8>, J)>),
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
    depth: u32,
}

const MAX_DEPTH: u32 = 256;

impl<'a> P<'a> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn value(&mut self) -> Option<J> {
        self.ws();
        let c = *self.s.get(self.i)?;
        match c {
            b'{' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                let mut fields = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(J::Obj(fields));
                }
                loop {
                    self.ws();
                    let key = match self.string()? {
                        J::Str(k, false) => k,
                        _ => return None,
                    };
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return None;
                    }
                    self.i += 1;
                    let v = self.value()?;
                    fields.push((key, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            self.depth -= 1;
                            return Some(J::Obj(fields));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(J::Arr(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            self.depth -= 1;
                            return Some(J::Arr(items));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string(),
            b't' => self.literal(b"true", J::Bool),
            b'f' => self.literal(b"false", J::Bool),
            b'n' => self.literal(b"null", J::Null),
            _ => self.number(),
        }
    }
    fn literal(&mut self, word: &[u8], v: J) -> Option<J> {
        if self.s[self.i..].starts_with(word) {
            self.i += word.len();
            Some(v)
        } else {
            None
        }
    }
    fn number(&mut self) -> Option<J> {
        let start = self.i;
        let s = self.s;
        if s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(c) if c.is_ascii_digit() => {
                while self.i < s.len() && s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if s.get(self.i) == Some(&b'.') {
            self.i += 1;
            let d = self.i;
            while self.i < s.len() && s[self.i].is_ascii_digit() {
                self.i += 1;
            }
            if self.i == d {
                return None;
            }
        }
        if matches!(s.get(self.i), Some(b'e') | Some(b'E')) {
            self.i += 1;
            if matches!(s.get(self.i), Some(b'+') | Some(b'-')) {
                self.i += 1;
            }
            let d = self.i;
            while self.i < s.len() && s[self.i].is_ascii_digit() {
                self.i += 1;
            }
            if self.i == d {
                return None;
            }
        }
        Some(J::Num(s[start..self.i].to_vec()))
    }
    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }
    fn string(&mut self) -> Option<J> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out = Vec::new();
        let mut lone = false;
        loop {
            let rest = &self.s[self.i..];
            let k = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
            out.extend_from_slice(&rest[..k]);
            self.i += k;
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return Some(J::Str(out, lone)),
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let u = self.hex4()?;
                            let cp = if (0xd800..0xdc00).contains(&u) {
                                if self.s.get(self.i..self.i + 2) == Some(b"\\u") {
                                    let save = self.i;
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xdc00..0xe000).contains(&lo) {
                                        0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00)
                                    } else {
                                        self.i = save;
                                        lone = true;
                                        0xfffd
                                    }
                                } else {
                                    lone = true;
                                    0xfffd
                                }
                            } else if (0xdc00..0xe000).contains(&u) {
                                lone = true;
                                0xfffd
                            } else {
                                u
                            };
                            let ch = char::from_u32(cp)?;
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }
}

/// Parses one complete JSON text (`None` when invalid or nested too deep).
pub fn parse_json(line: &[u8]) -> Option<J> {
    let mut p = P {
        s: line,
        i: 0,
        depth: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != line.len() {
        return None;
    }
    Some(v)
}
