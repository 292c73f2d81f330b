// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PlasmaTest} from "./PlasmaTest.sol";
import {Tree} from "./Tree.sol";
import {Batches} from "./Batches.sol";
import {PaymentBatchExitModule} from "../../src/exits/PaymentBatchExitModule.sol";
import {PaymentExitBase} from "../../src/exits/PaymentExitBase.sol";
import {BatchEntries} from "../../src/lib/BatchEntries.sol";

/// @notice Base of the batch-exit tests: a chain with Alice's 5 ETH deposit spent in block 1000
/// into Bob's 3 ETH and Alice's 2 ETH (tx 0), Carol's 1 ETH deposit and Carol's 7 wei deposit
/// tx at index 1; a watcher and a thief with ETH; helpers to start, request, answer,
/// challenge and process batch entries, and the bond amounts each outcome pays.
abstract contract BatchTest is PlasmaTest {
    uint256 internal constant THIEF_KEY = 0x7e1f;

    address internal watcher = address(0x3a7c4e5);
    address internal thief;

    uint256 internal depPos;
    bytes internal depTx;
    uint256 internal carolDepPos;
    bytes internal carolDepTx;
    bytes[] internal txs;
    uint256 internal bobPos;
    uint256 internal alicePos;
    uint256 internal carolTxPos;
    uint256 internal entryBond;

    function setUp() public virtual override {
        super.setUp();
        thief = vm.addr(THIEF_KEY);
        (depPos, depTx) = _depositEth(alice, 5 ether);
        (carolDepPos, carolDepTx) = _depositEth(carol, 1 ether);
        bytes32[] memory ins = new bytes32[](1);
        ins[0] = bytes32(depPos);
        txs.push(_tx(ins, _outs2(bob, 3 ether, alice, 2 ether)));
        txs.push(_depositTx(carol, address(0), 7));
        _submit(txs);
        bobPos = _pos(1000, 0, 0);
        alicePos = _pos(1000, 0, 1);
        carolTxPos = _pos(1000, 1, 0);
        entryBond = batches().batchEntryBond();
        vm.deal(watcher, 1000 ether);
        vm.deal(thief, 1000 ether);
    }

    function batches() internal view returns (PaymentBatchExitModule) {
        return PaymentBatchExitModule(address(game));
    }

    // ---------------------------------------------------------------- what each outcome pays

    /// @dev What the canceller of an entry gets of its bond (the rest is burnt).
    function _share() internal view returns (uint256) {
        return entryBond - entryBond / 2;
    }

    /// @dev What the requester of an entry left unanswered is credited at processing: its
    /// own bond and the entry's share (the processor's bounty comes out of the burnt half).
    function _unansweredCredit() internal view returns (uint256) {
        return entryBond + _share();
    }

    /// @dev What is burnt of an entry left unanswered: its half less the processor's bounty.
    function _unansweredBurn() internal view returns (uint256) {
        return entryBond / 2 - entryBond / 4;
    }

    // ---------------------------------------------------------------- entries and batches

    function _entry(address owner, bytes memory txb, uint256 pos, uint256 amount)
        internal
        view
        returns (BatchEntries.Entry memory)
    {
        return
            BatchEntries.Entry(owner, _exitId(txb, pos), uint96(amount), uint64(pos), _ifeId(txb));
    }

    /// @dev Bob's 3 ETH, Alice's 2 ETH, Carol's 1 ETH deposit: all valid.
    function _honest() internal view returns (BatchEntries.Entry[] memory es) {
        es = new BatchEntries.Entry[](3);
        es[0] = _entry(bob, txs[0], bobPos, 3 ether);
        es[1] = _entry(alice, txs[0], alicePos, 2 ether);
        es[2] = _entry(carol, carolDepTx, carolDepPos, 1 ether);
    }

    function _one(BatchEntries.Entry memory e)
        internal
        pure
        returns (BatchEntries.Entry[] memory es)
    {
        es = new BatchEntries.Entry[](1);
        es[0] = e;
    }

    /// @dev Alice, Bob and Carol sign the watcher up as their batch-exit agent.
    function _agents() internal {
        address[3] memory users = [alice, bob, carol];
        for (uint256 i; i < users.length; ++i) {
            vm.prank(users[i]);
            batches().setBatchExitAgent(watcher);
        }
    }

    function _startAs(address who, address tkn, BatchEntries.Entry[] memory es)
        internal
        returns (uint160 id)
    {
        uint256 value = entryBond * es.length;
        bytes memory list = Batches.encode(es);
        vm.prank(who);
        batches().startBatchExit{value: value}(tkn, list, 0);
        id = uint160(uint256(3) << 158) | uint160(batches().batchCount());
    }

    function _start(address who, BatchEntries.Entry[] memory es) internal returns (uint160) {
        return _startAs(who, address(0), es);
    }

    function _proofOf(BatchEntries.Entry[] memory es, uint256 i)
        internal
        pure
        returns (PaymentExitBase.EntryProof memory p)
    {
        (, bytes32[] memory branch) = Batches.rootAndBranch(es, i);
        p = PaymentExitBase.EntryProof(i, es[i], branch);
    }

    /// @dev The watcher shows entry `i` wrong with `txb` and its inclusion proof.
    function _challengeInvalid(
        uint160 id,
        BatchEntries.Entry[] memory es,
        uint256 i,
        bytes memory txb,
        bytes memory proof
    ) internal {
        PaymentExitBase.EntryProof memory p = _proofOf(es, i);
        vm.prank(watcher);
        batches().challengeBatchEntryInvalid(id, p, txb, proof);
    }

    function _request(address who, uint160 id, BatchEntries.Entry[] memory es, uint256 i)
        internal
    {
        PaymentExitBase.EntryProof memory p = _proofOf(es, i);
        vm.prank(who);
        batches().requestBatchEntryProof{value: entryBond}(id, p);
    }

    function _answer(
        address who,
        uint160 id,
        BatchEntries.Entry[] memory es,
        uint256 i,
        bytes memory txb,
        bytes memory proof
    ) internal {
        PaymentExitBase.EntryProof memory p = _proofOf(es, i);
        vm.prank(who);
        batches().answerBatchEntryProof(id, p, txb, proof);
    }

    function _process(uint160 id, BatchEntries.Entry[] memory es) internal {
        bytes memory list = Batches.encode(es);
        batches().processBatchExit(id, list, type(uint256).max);
    }

    function _blockProof(uint256 index) internal view returns (bytes memory proof) {
        (, proof) = Tree.rootAndProof(txs, index);
    }

    /// @dev A block whose root is on L1 but whose data nobody (but the operator) has.
    function _withheldBlock() internal returns (uint256 blk) {
        blk = framework.nextChildBlock();
        vm.prank(operator);
        framework.submitBlock(keccak256("a block whose data nobody has"));
    }

    // ---------------------------------------------------------------- in-flight exits

    /// @dev `starter` in-flight exits `ife`, whose one input (`inputPos` of `inputTx`) is
    /// signed with `key`.
    function _startIfeAs(
        address starter,
        bytes memory ife,
        bytes memory inputTx,
        uint256 inputPos,
        bytes memory inputProof,
        uint256 key
    ) internal {
        bytes[] memory inputTxs = new bytes[](1);
        inputTxs[0] = inputTx;
        uint256[] memory positions = new uint256[](1);
        positions[0] = inputPos;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = inputProof;
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(key, ife);
        uint256 ifeBond = game.inFlightExitBond();
        vm.prank(starter);
        game.startInFlightExit{value: ifeBond}(
            PaymentExitBase.StartInFlightExitArgs(ife, inputTxs, positions, proofs, sigs)
        );
    }

    function _startIfeOf(
        bytes memory ife,
        bytes memory inputTx,
        uint256 inputPos,
        bytes memory inputProof,
        uint256 key
    ) internal {
        _startIfeAs(carol, ife, inputTx, inputPos, inputProof, key);
    }

    /// @dev Carol piggybacks her input of `t` and challenges t's canonicity with her own
    /// unincluded double spend (a false challenge, answerable by anyone with t's proof).
    function _falselyChallengeAndPiggybackCarolsInput(bytes memory t) internal {
        uint256 pbond = game.piggybackBond();
        vm.prank(carol);
        game.piggybackInFlightExitOnInput{value: pbond}(t, 0, 0);
        _carolFalseChallenge(t);
    }

    /// @dev Carol challenges t's canonicity with her own unincluded double spend (false).
    function _carolFalseChallenge(bytes memory t) internal {
        bytes memory rival = _spend(carolDepPos, carol, address(0), 1 ether);
        uint256 cbond = game.canonicityChallengeBond();
        bytes memory rivalSig = _sign(CAROL_KEY, rival);
        vm.prank(carol);
        game.challengeInFlightExitNotCanonical{value: cbond}(
            PaymentExitBase.CanonicityChallenge(t, 0, rival, 0, 0, "", rivalSig)
        );
    }
}
