// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "./utils/Test.sol";
import {TxEncode} from "./utils/TxEncode.sol";
import {TxFixtures} from "./utils/TxFixtures.sol";
import {PaymentTransaction} from "../src/lib/PaymentTransaction.sol";
import {PaymentEip712} from "../src/lib/PaymentEip712.sol";
import {FormatsHarness} from "../src/harness/FormatsHarness.sol";

contract PaymentEip712Test is Test, TxFixtures {
    FormatsHarness internal h;

    // The OMG Network's domain (SPEC.md §2), with the verifying contract of its test suite.
    address internal constant VERIFIER = 0x44de0Ec539b8C4a4b530c78620Fe8320167F2F74;
    bytes32 internal constant SALT =
        0xfad5c7f626d80f9256ef01929f3beb96e058b8b4b0e3fe52d84f054c0e2a7a83;

    // Type hashes written out as literals (not recomputed from the library's strings).
    bytes32 internal constant INPUT_TYPEHASH_LIT =
        0x5f0e06e50b513a68a090818949172483acfec769d9b7756cad7c00b26b52178c;
    bytes32 internal constant OUTPUT_TYPEHASH_LIT =
        0x9fd642c2bbaa2f3431add55df5d3932807048fb41b6b07d65c59e0f9ad3a8eb7;

    /// Signatures made by an independent EIP-712 implementation (alloy, through cast) over the
    /// typed data of each fixture, with anvil's first dev key. To reproduce:
    ///   node_modules/.bin/cast wallet sign --data --from-file test/fixtures/eip712-TX_A.json \
    ///     --private-key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
    address internal constant CAST_SIGNER = 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266;
    bytes internal constant CAST_SIG_A =
        hex"fe27d6b49ea3e5e0dc12684f4ad68c0101cec842efecbdcf514d49586fce39dd22fac764ac9c2abea59c5c11fa82f90d2b92f417baf85467e7571020bdd9c8121c";
    bytes internal constant CAST_SIG_B =
        hex"a0f2f84dd78dade08b00693625bc3886eebbdc9c4072ca04652e11585ba28d3e19fc956a194418ba99aae7eb05773cfb00206b80394005d32261bf3fb89903c71c";
    bytes internal constant CAST_SIG_C =
        hex"04eb5e4363b5326add0edaf30b66b9512a3656497bd90c19ae95fa45ac259e2c120ddfc1a6246f41f34d0d366e9a0d257cf053940881b3af3c39e29b7a6f5a581b";

    function setUp() public {
        h = new FormatsHarness();
    }

    function _omgDomain() internal view returns (bytes32) {
        return h.domainSeparator("OMG Network", "1", VERIFIER, SALT);
    }

    // ---------------------------------------------------------------- constants

    function test_typehashes() public pure {
        assertEq(
            PaymentEip712.DOMAIN_TYPEHASH,
            keccak256(
                "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)"
            ),
            "domain typehash"
        );
        assertEq(
            PaymentEip712.TX_TYPEHASH,
            keccak256(
                bytes.concat(
                    "Transaction(uint256 txType,Input input0,Input input1,Input input2,Input input3,",
                    "Output output0,Output output1,Output output2,Output output3,uint256 txData,bytes32 metadata)",
                    "Input(uint256 blknum,uint256 txindex,uint256 oindex)",
                    "Output(uint256 outputType,bytes20 outputGuard,address currency,uint256 amount)"
                )
            ),
            "tx typehash"
        );
        assertEq(PaymentEip712.INPUT_TYPEHASH, INPUT_TYPEHASH_LIT, "input typehash");
        assertEq(PaymentEip712.OUTPUT_TYPEHASH, OUTPUT_TYPEHASH_LIT, "output typehash");
    }

    /// Values published with the OMG Network's reference implementation (elixir-omg's typed data
    /// hash tests) for the same types.
    function test_omgReferenceVectors() public view {
        assertEq(
            _omgDomain(),
            0xb542beb7bafc6796b8439716a4e460a2634ac432216cebc524e54f8789e2924c,
            "OMG domain separator"
        );
        assertEq(
            PaymentEip712.EMPTY_INPUT_HASH,
            0x1a5933eb0b3223b0500fbbe7039cab9badc006adda6cf3d337751412fd7a4b61,
            "Input(0,0,0)"
        );
        assertEq(
            PaymentEip712.hashInput(1_000_000_000),
            0x7377afcd24fdc685fd8c6ea2b5d15a74f2c898c3d5bcce3499f448a4d68db290,
            "Input(1,0,0)"
        );
        assertEq(
            PaymentEip712.hashInput(101_000 * 1e9 + 1337 * 1e4 + 3),
            0xc198a0ab9b12c3f225195cf0f7870c7ab12c316b33eb99771dfd0f3f7da455a5,
            "Input(101000,1337,3)"
        );
        assertEq(
            PaymentEip712.hashOutput(PaymentTransaction.Output(1, OWNER1, ETH, 100)),
            0x4b85fe2caac41f533c3d3b56ec75ca3363d0205e4dde63ca16b0d377fa79364d,
            "Output(1, owner, ETH, 100)"
        );
        assertEq(
            PaymentEip712.hashOutput(PaymentTransaction.Output(1, TOKEN, ETH, 111)),
            0x27962e5f1453285204261a3b2fe420be5ee504f3606d857e5c3120e1fc7aac3f,
            "Output(1, 0x0123..., ETH, 111)"
        );
        assertEq(
            PaymentEip712.hashOutput(PaymentTransaction.Output(1, OWNER1, TOKEN, 1337)),
            0x257ce332ccd9571fb364f8abd0b22ca53cd3d7e4ba9a14fd208cdf25caf8854f,
            "Output(1, owner, token, 1337)"
        );
    }

    function test_emptyOutputHash() public pure {
        // keccak256(abi.encode(OUTPUT_TYPEHASH, 0, bytes20(0), address(0), 0)), via `cast`.
        assertEq(
            PaymentEip712.EMPTY_OUTPUT_HASH,
            0x7ad3294754e2cfc48a946ab7f8ec5b7dc50fc8ecbc0236a020e5c9c0db60a98c,
            "Output(0,0,0,0)"
        );
        assertEq(
            PaymentEip712.EMPTY_OUTPUT_HASH,
            keccak256(
                bytes.concat(OUTPUT_TYPEHASH_LIT, bytes32(0), bytes32(0), bytes32(0), bytes32(0))
            ),
            "by hand"
        );
    }

    function test_outputGuardIsLeftAligned() public pure {
        // bytes20 is left-aligned in the ABI encoding: the owner's 20 bytes, then 12 zero bytes.
        bytes32 guardWord = 0x2258a5279850f6fb78888a7e45ea2a5eb1b3c436000000000000000000000000;
        assertEq(
            PaymentEip712.hashOutput(PaymentTransaction.Output(1, OWNER1, TOKEN, 7)),
            keccak256(
                bytes.concat(
                    OUTPUT_TYPEHASH_LIT,
                    bytes32(uint256(1)),
                    guardWord,
                    bytes32(uint256(uint160(TOKEN))),
                    bytes32(uint256(7))
                )
            ),
            "output hash"
        );
    }

    // ---------------------------------------------------------------- full digests

    /// The struct hash and digest of TX_A, built by hand from raw 32-byte words.
    function test_digest_txA_byHand() public view {
        bytes32 in0 = keccak256(
            bytes.concat(
                INPUT_TYPEHASH_LIT, bytes32(uint256(1000)), bytes32(uint256(2)), bytes32(uint256(3))
            )
        );
        bytes32 in1 = keccak256(
            bytes.concat(
                INPUT_TYPEHASH_LIT,
                bytes32(uint256(101_000)),
                bytes32(uint256(1337)),
                bytes32(uint256(3))
            )
        );
        bytes32 inEmpty =
            keccak256(bytes.concat(INPUT_TYPEHASH_LIT, bytes32(0), bytes32(0), bytes32(0)));
        bytes32 out0 = keccak256(
            bytes.concat(
                OUTPUT_TYPEHASH_LIT,
                bytes32(uint256(1)),
                bytes32(uint256(uint160(OWNER1)) << 96),
                bytes32(0),
                bytes32(uint256(100))
            )
        );
        bytes32 out1 = keccak256(
            bytes.concat(
                OUTPUT_TYPEHASH_LIT,
                bytes32(uint256(1)),
                bytes32(uint256(uint160(OWNER2)) << 96),
                bytes32(uint256(uint160(TOKEN))),
                bytes32(uint256(1337))
            )
        );
        bytes32 outEmpty = keccak256(
            bytes.concat(OUTPUT_TYPEHASH_LIT, bytes32(0), bytes32(0), bytes32(0), bytes32(0))
        );
        bytes32 structHash = keccak256(
            bytes.concat(
                bytes.concat(
                    PaymentEip712.TX_TYPEHASH, bytes32(uint256(1)), in0, in1, inEmpty, inEmpty
                ),
                bytes.concat(out0, out1, outEmpty, outEmpty, bytes32(0), META)
            )
        );
        bytes32 domain = keccak256(
            bytes.concat(
                keccak256(
                    "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)"
                ),
                keccak256("OMG Network"),
                keccak256("1"),
                bytes32(uint256(uint160(VERIFIER))),
                SALT
            )
        );
        bytes32 expected = keccak256(bytes.concat(hex"1901", domain, structHash));
        assertEq(h.signingHash(TX_A, domain), expected, "digest");
        assertEq(PaymentEip712.hashTx(PaymentTransaction.decode(TX_A)), structHash, "struct hash");
    }

    /// Signatures over the typed data made by an independent EIP-712 implementation recover to
    /// their signer from our digest.
    function test_digest_matchesCastSignatures() public view {
        bytes32 domain = _omgDomain();
        assertEq(h.recoverSigner(h.signingHash(TX_A, domain), CAST_SIG_A), CAST_SIGNER, "TX_A");
        assertEq(h.recoverSigner(h.signingHash(TX_B, domain), CAST_SIG_B), CAST_SIGNER, "TX_B");
        assertEq(h.recoverSigner(h.signingHash(TX_C, domain), CAST_SIG_C), CAST_SIGNER, "TX_C");
    }

    function test_digest_dependsOnDomain() public view {
        bytes32 d1 = h.signingHash(TX_A, _omgDomain());
        bytes32 d2 = h.signingHash(TX_A, h.domainSeparator("OMG Network", "2", VERIFIER, SALT));
        assertNotEq(d1, d2, "version changes the digest");
    }

    function test_signAndRecover() public view {
        uint256 pk = 0xA11CE;
        bytes32 digest = h.signingHash(TX_A, _omgDomain());
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        assertEq(h.recoverSigner(digest, abi.encodePacked(r, s, v)), vm.addr(pk), "signer");
    }

    /// For random transactions, the library's digest equals one built by hand.
    function testFuzz_digestMatchesHandBuilt(uint256 seed, uint8 nIn, uint8 nOut, bytes32 domain)
        public
        view
    {
        PaymentTransaction.Transaction memory t = _randomTx(seed, nIn % 5, 1 + nOut % 4);
        bytes memory enc = TxEncode.encode(t);
        bytes memory words = bytes.concat(PaymentEip712.TX_TYPEHASH, bytes32(uint256(1)));
        for (uint256 i; i < 4; ++i) {
            uint256 pos = i < t.inputs.length ? uint256(t.inputs[i]) : 0;
            words = bytes.concat(
                words,
                keccak256(
                    bytes.concat(
                        INPUT_TYPEHASH_LIT,
                        bytes32(pos / 1e9),
                        bytes32((pos % 1e9) / 1e4),
                        bytes32(pos % 1e4)
                    )
                )
            );
        }
        for (uint256 i; i < 4; ++i) {
            bytes memory w = i < t.outputs.length
                ? bytes.concat(
                    bytes32(uint256(1)),
                    bytes32(uint256(uint160(t.outputs[i].owner)) << 96),
                    bytes32(uint256(uint160(t.outputs[i].token))),
                    bytes32(t.outputs[i].amount)
                )
                : bytes.concat(bytes32(0), bytes32(0), bytes32(0), bytes32(0));
            words = bytes.concat(words, keccak256(bytes.concat(OUTPUT_TYPEHASH_LIT, w)));
        }
        words = bytes.concat(words, bytes32(0), t.metadata);
        bytes32 expected = keccak256(bytes.concat(hex"1901", domain, keccak256(words)));
        assertEq(h.signingHash(enc, domain), expected, "digest");
    }

    function _randomTx(uint256 seed, uint256 nIn, uint256 nOut)
        internal
        pure
        returns (PaymentTransaction.Transaction memory t)
    {
        t.txType = 1;
        t.inputs = new bytes32[](nIn);
        for (uint256 i; i < nIn; ++i) {
            uint256 r =
                uint256(keccak256(abi.encode(seed, "in", i))) >> (8 * (uint8(seed >> i) % 32));
            t.inputs[i] = bytes32((r & ~uint256(7)) | (i + 1));
        }
        t.outputs = new PaymentTransaction.Output[](nOut);
        for (uint256 i; i < nOut; ++i) {
            address owner = address(uint160(uint256(keccak256(abi.encode(seed, "owner", i)))));
            if (owner == address(0)) owner = address(1);
            address token = (seed >> (100 + i)) & 1 == 0
                ? address(0)
                : address(uint160(uint256(keccak256(abi.encode(seed, "token", i)))));
            uint256 amount =
                uint256(keccak256(abi.encode(seed, "amount", i))) >> (uint8(seed >> (8 * i)));
            if (amount == 0) amount = 1;
            t.outputs[i] = PaymentTransaction.Output(1, owner, token, amount);
        }
        t.metadata = keccak256(abi.encode(seed, "meta"));
    }
}
