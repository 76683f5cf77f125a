package dev.fastnet.test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

/**
 * Certificate authorities and certificates made for a test, valid for {@code localhost}
 * and {@code 127.0.0.1}.
 */
public final class TestCertificates {

	private TestCertificates() {
	}

	/**
	 * Make a self-signed certificate authority.
	 * @param name the common name
	 * @return the authority
	 */
	public static X509Bundle authority(String name) {
		try {
			return base().subject("CN=" + name).setIsCertificateAuthority(true).buildSelfSigned();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Make a server certificate for {@code localhost} and {@code 127.0.0.1}.
	 * @param issuer the authority that signs it
	 * @param name the common name, to tell certificates apart
	 * @return the certificate, its chain and key
	 */
	public static X509Bundle server(X509Bundle issuer, String name) {
		try {
			return base().subject("CN=" + name)
				.addSanDnsName("localhost")
				.addSanIpAddress("127.0.0.1")
				.addExtendedKeyUsageServerAuth()
				.buildIssuedBy(issuer);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Make a client certificate.
	 * @param issuer the authority that signs it
	 * @param name the common name
	 * @return the certificate, its chain and key
	 */
	public static X509Bundle client(X509Bundle issuer, String name) {
		try {
			return base().subject("CN=" + name).addExtendedKeyUsageClientAuth().buildIssuedBy(issuer);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the key and certificate chain of a certificate, to present to peers.
	 * @param bundle the certificate
	 * @return a key manager factory holding it
	 */
	public static KeyManagerFactory keys(X509Bundle bundle) {
		try {
			return bundle.toKeyManagerFactory();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a trust manager factory that trusts what the authority signed.
	 * @param authority the authority
	 * @return the factory
	 */
	public static TrustManagerFactory trust(X509Bundle authority) {
		return authority.toTrustManagerFactory();
	}

	private static CertificateBuilder base() {
		Instant now = Instant.now();
		return new CertificateBuilder().ecp256()
			.notBefore(now.minus(1, ChronoUnit.HOURS))
			.notAfter(now.plus(1, ChronoUnit.DAYS));
	}

}
