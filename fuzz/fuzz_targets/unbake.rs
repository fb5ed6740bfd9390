//! Fuzzes PNG and SVG unbaking (and the image check) with arbitrary bytes: they must return
//! `Ok` or a typed error, never panic, hang or blow memory. Whenever baking the input succeeds,
//! the result must unbake to the same payload and baking again must not change it.
#![no_main]

use badgedesk::bake::{self, Payload, Version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bake::unbake(data);
    let _ = bake::check_badge_image(data);
    for (version, text) in [
        (Version::Ob3, "{\"id\":\"urn:uuid:1\",\"name\":\"]]>\r\n\u{e9}\"}"),
        (Version::Ob2, "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln"),
    ] {
        let payload = Payload::new(version, text).expect("a valid payload");
        if let Ok(baked) = bake::bake(data, &payload) {
            let back = bake::unbake(&baked).expect("a baked image unbakes");
            assert_eq!((back.version, back.payload.as_str()), (version, payload.text()));
            assert_eq!(bake::bake(&baked, &payload).expect("rebakes"), baked, "idempotent");
        }
    }
});
