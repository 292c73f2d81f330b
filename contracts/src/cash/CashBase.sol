// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPERATOR_BLOCK_INTERVAL, NotOperator} from "../common/ChildBlocks.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {CashTransaction} from "../lib/CashTransaction.sol";
import {CashSignature} from "../lib/CashSignature.sol";
import {SparseMerkle} from "../lib/SparseMerkle.sol";

/// @title CashBase
/// @notice What the parts of PlasmaCash share: configuration, block numbering, coin records,
/// the bond ledger, and the checks of a coin transaction's inclusion and signature. See
/// PlasmaCash for the rules and docs/contracts.md ("Plasma Cash") for the whole game.
///
/// Block numbering (as Loom's): operator blocks are the multiples of CHILD_BLOCK_INTERVAL
/// (1000, 2000, …); each deposit takes the next free number after the last operator block
/// (1001, 1002, … or 1, 2, … before the first), at most 999 between two operator blocks.
/// `currentBlock` is the last number taken. A deposit block holds only its coin's deposit
/// transaction; its root is `keccak256(uint64 slot)` and is not stored (the coin record names
/// its deposit block).
abstract contract CashBase is ReentrancyGuardTransient {
    uint256 public constant CHILD_BLOCK_INTERVAL = OPERATOR_BLOCK_INTERVAL;

    enum CoinKind {
        ETH,
        ERC20,
        ERC721
    }

    /// @dev NONE: no coin in this slot. DEPOSITED: on the child chain. EXITING: one live exit.
    /// EXITED: exit finalized, the exiter may withdraw. WITHDRAWN: paid out (forever).
    enum CoinState {
        NONE,
        DEPOSITED,
        EXITING,
        EXITED,
        WITHDRAWN
    }

    struct Coin {
        // slot 1
        address depositor;
        /// @dev Block numbers stay below 2^48 (2.8·10^11 operator blocks).
        uint48 depositBlock;
        CoinKind kind;
        CoinState state;
        /// @dev Exits of this coin so far: the live (or last) exit's number. 32 bits: a thief
        /// who starts and cancels junk exits in a loop to use the numbers up (the coin then
        /// could never exit) would need 2^32 rounds, over 8·10^14 gas.
        uint32 exitNonce;
        // slot 2 (never written for an ETH coin)
        address token;
        // slot 3
        /// @dev Wei, token amount, or the ERC721 token id.
        uint256 value;
    }

    /// @notice The operator: submits blocks and checkpoints.
    address public immutable operator;
    /// @notice The bond (wei) of an exit, a challengeBefore and a checkpoint dispute.
    uint256 public immutable bond;
    /// @notice An exit matures this long after it starts (MEP).
    uint256 public immutable maturityPeriod;
    /// @notice Time left at least to answer a challengeBefore (the exit's maturity moves) and
    /// to answer a checkpoint dispute after the dispute window.
    uint256 public immutable responsePeriod;
    /// @notice How long after its submission a checkpoint can be disputed.
    uint256 public immutable checkpointWindow;

    struct Counters {
        /// @dev The last block number taken (operator or deposit block).
        uint64 currentBlock;
        /// @dev Coins deposited so far (the next coin's index in its slot formula).
        uint64 numCoins;
    }

    Counters internal _counters;
    /// @dev operator block number → root.
    mapping(uint256 => bytes32) internal _blocks;
    mapping(uint64 => Coin) internal _coins;
    /// @dev ERC721 token → token id → slot + 1 of the coin holding it (0: none).
    mapping(address => mapping(uint256 => uint256)) internal _nftCoin;
    /// @notice Bonds and rewards credited to an account, for `withdrawBonds`.
    mapping(address => uint256) public bondBalances;

    /// @notice A coin was deposited in `blockNumber` (its deposit block, root
    /// `keccak256(uint64 slot)`); its deposit tx is `[slot, 0, denomination, from]`.
    /// `kind`: 0 ETH, 1 ERC20, 2 ERC721 (`tokenId`; denomination 1); token 0 for ETH.
    event Deposit(
        uint64 indexed slot,
        uint256 blockNumber,
        uint256 denomination,
        address indexed from,
        address indexed token,
        uint8 kind,
        uint256 tokenId
    );
    /// @notice Operator block `blockNumber` with sparse Merkle root `root`.
    event BlockSubmitted(uint256 indexed blockNumber, bytes32 root);

    event BondWithdrawn(address indexed to, uint256 amount);

    error ZeroDeposit();
    error ZeroToken();
    error ZeroRoot();
    /// @notice The 999 deposit numbers before the next operator block `blockNumber` are taken.
    error TooManyDeposits(uint256 blockNumber);
    /// @notice `slot` is used by another coin (a 64-bit slot collision).
    error SlotTaken(uint64 slot);
    /// @notice `stated` tokens were to be deposited, `received` arrived.
    error DepositAmountMismatch(uint256 stated, uint256 received);
    /// @notice An ERC721 deposit must name its previous owner (`from` ≠ 0).
    error DepositFromZero();
    /// @notice This contract does not own token `tokenId` of `token`.
    error NftNotReceived(address token, uint256 tokenId);
    /// @notice Token `tokenId` of `token` is already coin `slot`.
    error NftAlreadyDeposited(address token, uint256 tokenId, uint64 slot);

    error ZeroOperator();
    error ZeroBond();
    /// @notice Periods are at most 365 days (times are kept in 32 bits); `period` is more.
    error PeriodTooLong(uint256 period);
    /// @notice No coin in `slot`.
    error CoinNotFound(uint64 slot);
    /// @notice The coin's state is `state`; the call needs another.
    error WrongCoinState(uint64 slot, uint8 state);
    /// @notice A transaction of coin `txSlot` was given for coin `slot`.
    error WrongSlot(uint64 slot, uint64 txSlot);
    /// @notice A deposit transaction (prevBlock 0) shown at `blockNumber`; the coin's deposit
    /// block is `depositBlock`.
    error DepositNotAtDepositBlock(uint256 blockNumber, uint256 depositBlock);
    /// @notice A deposit transaction whose owner or denomination differs from the coin's.
    error DepositTxMismatch(address owner, uint256 denomination);
    /// @notice `blockNumber` is not a multiple of CHILD_BLOCK_INTERVAL (only deposit
    /// transactions live in deposit blocks).
    error NotAnOperatorBlock(uint256 blockNumber);
    /// @notice Operator block `blockNumber` was never submitted.
    error BlockNotFound(uint256 blockNumber);
    /// @notice A non-deposit tx shown in block `blockNumber`, not after the coin's deposit block
    /// `depositBlock` (the coin did not exist yet).
    error BlockBeforeDeposit(uint256 blockNumber, uint256 depositBlock);
    /// @notice The transaction's prevBlock `prevBlock` is not before its block `blockNumber`.
    error PrevBlockNotBefore(uint256 prevBlock, uint256 blockNumber);
    /// @notice The proof does not show the transaction at its slot in block `blockNumber`.
    error NotIncluded(uint256 blockNumber);
    /// @notice The transaction was signed by `signer`, not by `expected`.
    error WrongSigner(address signer, address expected);
    /// @notice `sent` wei attached; `required` needed.
    error WrongBond(uint256 sent, uint256 required);
    error NothingToWithdraw();
    error EthTransferFailed(address to, uint256 amount);

    constructor(
        address operator_,
        uint256 bond_,
        uint256 maturityPeriod_,
        uint256 responsePeriod_,
        uint256 checkpointWindow_
    ) {
        if (operator_ == address(0)) revert ZeroOperator();
        if (bond_ == 0) revert ZeroBond();
        uint256[3] memory periods = [maturityPeriod_, responsePeriod_, checkpointWindow_];
        for (uint256 i; i < 3; ++i) {
            if (periods[i] > 365 days) revert PeriodTooLong(periods[i]);
        }
        operator = operator_;
        bond = bond_;
        maturityPeriod = maturityPeriod_;
        responsePeriod = responsePeriod_;
        checkpointWindow = checkpointWindow_;
    }

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- views

    /// @notice The last block number taken (an operator or a deposit block).
    function currentBlock() external view returns (uint256) {
        return _counters.currentBlock;
    }

    /// @notice The next operator block's number.
    function nextChildBlock() public view returns (uint256) {
        return (uint256(_counters.currentBlock) / CHILD_BLOCK_INTERVAL + 1) * CHILD_BLOCK_INTERVAL;
    }

    /// @notice Coins deposited so far.
    function numCoins() external view returns (uint256) {
        return _counters.numCoins;
    }

    /// @notice The root of operator block `blockNumber` (0 if not submitted; deposit blocks:
    /// `keccak256(uint64 slot)`, see `coin`).
    function blockRoot(uint256 blockNumber) external view returns (bytes32) {
        return _blocks[blockNumber];
    }

    /// @notice A coin. `denomination` is the amount (1 for an ERC721), `tokenId` the ERC721 id
    /// (0 otherwise); `kind` 0 ETH, 1 ERC20, 2 ERC721; `state` 0 none, 1 deposited, 2 exiting,
    /// 3 exited (withdrawable), 4 withdrawn.
    function coin(uint64 slot)
        external
        view
        returns (
            address depositor,
            uint256 depositBlock,
            uint8 kind,
            uint8 state,
            address token,
            uint256 denomination,
            uint256 tokenId,
            uint256 exitNonce
        )
    {
        Coin storage c = _coins[slot];
        (depositor, depositBlock, kind, state, token) =
        (c.depositor, c.depositBlock, uint8(c.kind), uint8(c.state), c.token);
        denomination = _denomination(c);
        if (c.kind == CoinKind.ERC721) tokenId = c.value;
        exitNonce = c.exitNonce;
    }

    // ---------------------------------------------------------------- bonds

    /// @notice Pays the caller every bond and reward credited to it.
    function withdrawBonds() external nonReentrant {
        uint256 amount = bondBalances[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        bondBalances[msg.sender] = 0;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert EthTransferFailed(msg.sender, amount);
        emit BondWithdrawn(msg.sender, amount);
    }

    function _checkBond() internal view {
        if (msg.value != bond) revert WrongBond(msg.value, bond);
    }

    /// @dev Mints the coin of a deposit in the next deposit block.
    function _deposit(address from, address sender, CoinKind kind, address token, uint256 value)
        internal
        returns (uint64 slot)
    {
        Counters memory k = _counters;
        uint64 blockNumber = k.currentBlock + 1;
        if (blockNumber % CHILD_BLOCK_INTERVAL == 0) revert TooManyDeposits(blockNumber);
        slot = CashTransaction.slotOf(k.numCoins, sender, from);
        Coin storage c = _coins[slot];
        if (c.depositBlock != 0) revert SlotTaken(slot);
        c.depositor = from;
        c.depositBlock = uint48(blockNumber);
        c.kind = kind;
        c.state = CoinState.DEPOSITED;
        if (token != address(0)) c.token = token;
        c.value = value;
        _counters = Counters(blockNumber, k.numCoins + 1);
        bool nft = kind == CoinKind.ERC721;
        emit Deposit(slot, blockNumber, nft ? 1 : value, from, token, uint8(kind), nft ? value : 0);
    }

    // ---------------------------------------------------------------- checks

    /// @dev The coin in `slot`; reverts if none.
    function _coin(uint64 slot) internal view returns (Coin storage c) {
        c = _coins[slot];
        if (c.depositBlock == 0) revert CoinNotFound(slot);
    }

    function _denomination(Coin storage c) internal view returns (uint256) {
        return c.kind == CoinKind.ERC721 ? 1 : c.value;
    }

    /// @dev Decodes a transaction of coin `slot`.
    function _decodeFor(uint64 slot, bytes calldata txBytes)
        internal
        pure
        returns (CashTransaction.Tx memory t)
    {
        t = CashTransaction.decode(txBytes);
        if (t.slot != slot) revert WrongSlot(slot, t.slot);
    }

    /// @dev Checks that `t` (of coin `c`) is included in block `blockNumber`. A deposit
    /// transaction only in its coin's deposit block, with the coin's depositor and denomination
    /// (its hash commits to the slot only); any other one by `proof` in an operator block
    /// after the coin's deposit block, and after its prevBlock.
    function _checkIncluded(
        Coin storage c,
        CashTransaction.Tx memory t,
        uint256 blockNumber,
        bytes calldata proof
    ) internal view {
        if (t.prevBlock == 0) {
            if (blockNumber != c.depositBlock) {
                revert DepositNotAtDepositBlock(blockNumber, c.depositBlock);
            }
            if (t.newOwner != c.depositor || t.denomination != _denomination(c)) {
                revert DepositTxMismatch(t.newOwner, t.denomination);
            }
            return;
        }
        bytes32 root = _operatorBlockRoot(c, blockNumber);
        if (t.prevBlock >= blockNumber) revert PrevBlockNotBefore(t.prevBlock, blockNumber);
        if (SparseMerkle.computeRoot(t.hash, t.slot, proof) != root) {
            revert NotIncluded(blockNumber);
        }
    }

    /// @dev Checks that block `blockNumber` holds the tx hash `txHash` at `slot`: the coin's
    /// deposit block holds only its deposit's hash; an operator block after it, by `proof`.
    function _checkHashIncluded(
        Coin storage c,
        uint64 slot,
        bytes32 txHash,
        uint256 blockNumber,
        bytes calldata proof
    ) internal view {
        if (blockNumber == c.depositBlock) {
            if (txHash != CashTransaction.depositHash(slot)) {
                revert NotIncluded(blockNumber);
            }
            return;
        }
        bytes32 root = _operatorBlockRoot(c, blockNumber);
        if (SparseMerkle.computeRoot(txHash, slot, proof) != root) revert NotIncluded(blockNumber);
    }

    /// @dev The root of operator block `blockNumber`, which must come after coin `c`'s deposit.
    function _operatorBlockRoot(Coin storage c, uint256 blockNumber)
        internal
        view
        returns (bytes32 root)
    {
        if (blockNumber % CHILD_BLOCK_INTERVAL != 0) revert NotAnOperatorBlock(blockNumber);
        // Slots are predictable: a block from before the deposit may hold a forged tx of the
        // coin-to-be, with no earlier tx of the coin to challenge it with.
        if (blockNumber <= c.depositBlock) revert BlockBeforeDeposit(blockNumber, c.depositBlock);
        root = _blocks[blockNumber];
        if (root == 0) revert BlockNotFound(blockNumber);
    }

    /// @dev Checks that `signer` signed `t`.
    function _checkSigner(CashTransaction.Tx memory t, bytes calldata sig, address signer)
        internal
        pure
    {
        address got = CashSignature.recover(t.hash, sig);
        if (got != signer) revert WrongSigner(got, signer);
    }
}
