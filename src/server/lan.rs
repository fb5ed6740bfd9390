//! The address phones on the venue's Wi-Fi should use, found without shelling out: connecting
//! a UDP socket (no packet is sent) makes the system pick the outgoing interface's address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

/// This machine's LAN address, if it has one besides loopback.
pub fn lan_ip() -> Option<IpAddr> {
    // A documentation address (default route), then private ranges for networks without one.
    for probe in [
        "192.0.2.1:9",
        "10.255.255.255:9",
        "172.31.255.255:9",
        "192.168.255.255:9",
    ] {
        let Ok(sock) = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)) else {
            continue;
        };
        if sock.connect(probe).is_ok()
            && let Ok(addr) = sock.local_addr()
            && !addr.ip().is_loopback()
            && !addr.ip().is_unspecified()
        {
            return Some(addr.ip());
        }
    }
    None
}

/// The URL to show for a server bound to `bound`: the LAN address when bound to all
/// interfaces, else the bound address itself.
pub fn public_url(bound: SocketAddr) -> String {
    let ip = if bound.ip().is_unspecified() {
        lan_ip().unwrap_or(bound.ip())
    } else {
        bound.ip()
    };
    match (ip, bound.port()) {
        (IpAddr::V6(v6), port) => format!("http://[{v6}]:{port}"),
        (ip, 80) => format!("http://{ip}"),
        (ip, port) => format!("http://{ip}:{port}"),
    }
}

/// What `badgedesk serve` prints at start: the URL to open and a QR code of it (ANSI colours:
/// black on white whatever the terminal theme).
pub fn banner(url: &str) -> String {
    let qr = crate::qr::encode(url)
        .map(|m| m.half_blocks_ansi())
        .unwrap_or_default();
    format!("{url}\n\n{qr}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_shows_the_url_and_a_qr_of_it() {
        let b = banner("http://192.168.1.5:8080");
        assert!(b.starts_with("http://192.168.1.5:8080\n"));
        let lines: Vec<String> = b
            .lines()
            .filter(|l| l.starts_with("\x1b[38;5;16m"))
            .map(|l| {
                l.trim_start_matches("\x1b[38;5;16m\x1b[48;5;231m")
                    .trim_end_matches("\x1b[0m")
                    .to_string()
            })
            .collect();
        let m = crate::qr::QrMatrix::from_half_blocks(&lines);
        assert_eq!(
            crate::qr::tests::decode_matrix(&m, 4),
            vec!["http://192.168.1.5:8080".to_string()]
        );
    }

    #[test]
    fn url_of_a_specific_address_is_that_address() {
        assert_eq!(
            public_url("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            public_url("192.168.1.5:80".parse().unwrap()),
            "http://192.168.1.5"
        );
        let any = public_url("0.0.0.0:8080".parse().unwrap());
        assert!(
            any.starts_with("http://") && any.ends_with(":8080") && !any.contains("0.0.0.0")
                || lan_ip().is_none()
        );
    }
}
