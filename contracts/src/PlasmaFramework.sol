// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OPERATOR_BLOCK_INTERVAL, NotOperator} from "./common/ChildBlocks.sol";
/// @title PlasmaFramework
/// @notice The root-chain anchor of the payment chain: child-chain block roots and their times,
/// the operator (who alone submits blocks) and the owner (who rotates the operator and registers
/// vaults and exit games), the chain's minimum exit period and EIP-712 domain.
///
/// Block numbers: operator blocks are 1000, 2000, … (`CHILD_BLOCK_INTERVAL`); the n-th deposit
/// after operator block B gets block B + n (1 ≤ n ≤ 999; before the first operator block 1, 2, …).
/// The deposit counter resets at every operator block; the 1000th deposit in one interval reverts.
///
/// Storage: each block is ONE word, `blocks[blknum] = root & ~0xffffffff | uint32(timestamp)`:
/// the high 224 bits of the root and the submission time. One new storage slot per block keeps
/// `submitBlock` near the 45k floor. 224 bits of a keccak root leave 2^224 second-preimage
/// resistance (2^112 for collisions the operator could craft in advance - the operator can
/// commit any root anyway); the `BlockSubmitted` event carries the full 32-byte root so clients
/// keep it, and Merkle checks compare the high 224 bits (`rootMatches`).
/// The operator, the next operator block and the deposit counter share one slot as well.
///
/// New vaults and exit games can drain the vaults, so after the chain has started (first block
/// or deposit) a registration becomes active only after a quarantine of 3 × minExitPeriod:
/// long enough for every user to exit before it can act. Before the start, registration is
/// immediate (the deployment sequence). Only addresses with code may be registered (else code
/// deployed there later, with CREATE2, would bypass the quarantine).
contract PlasmaFramework {
    uint256 public constant CHILD_BLOCK_INTERVAL = OPERATOR_BLOCK_INTERVAL;
    /// @dev Low 32 bits of a block word: the timestamp; high 224 bits: the root's high bits.
    uint256 internal constant TIMESTAMP_MASK = 0xffffffff;

    /// @notice Minimum exit period in seconds (SPEC: 7 days in production).
    uint256 public immutable minExitPeriod;
    /// @notice EIP-712 domain separator of payment transactions (verifyingContract = this).
    bytes32 public immutable domainSeparator;

    /// @dev The hot slot: read and written by every block and deposit.
    struct Head {
        address operator;
        /// @dev The number the next operator block gets (1000, 2000, …).
        uint64 nextChildBlock;
        /// @dev The offset the next deposit block gets after nextChildBlock - 1000 (1 … 999).
        uint32 nextDeposit;
    }

    Head internal _head;
    address public owner;
    /// @dev blknum → root high 224 bits | uint32 timestamp; 0 = no such block.
    mapping(uint256 => uint256) internal _blocks;
    /// @dev vault → time from which it may submit deposit blocks (0 = never registered).
    mapping(address => uint256) public vaultActiveAt;
    /// @dev exit game → time from which vaults accept its withdrawals (0 = never registered).
    mapping(address => uint256) public exitGameActiveAt;

    event BlockSubmitted(uint256 indexed blknum, bytes32 root, uint256 timestamp);
    event OperatorChanged(address indexed previousOperator, address indexed newOperator);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    event VaultRegistered(address indexed vault, uint256 activeAt);
    event ExitGameRegistered(address indexed exitGame, uint256 activeAt);

    error NotOwner(address caller);
    error NotVault(address caller);
    error ZeroAddress();
    error ZeroMinExitPeriod();
    error AlreadyRegistered(address account);
    /// @notice A vault or exit game must have code when registered: an empty address could get
    /// code (CREATE2) after the chain started and act without the quarantine.
    error NotAContract(address account);
    /// @notice The interval after operator block `nextChildBlock - 1000` already has 999 deposits.
    error TooManyDeposits(uint256 nextChildBlock);

    /// @param minExitPeriod_ minimum exit period in seconds (> 0)
    /// @param operator_ the key that submits blocks
    /// @param eip712Name EIP-712 domain name (OMG: "OMG Network")
    /// @param eip712Version EIP-712 domain version (OMG: "1")
    /// @param eip712Salt EIP-712 domain salt
    constructor(
        uint256 minExitPeriod_,
        address operator_,
        string memory eip712Name,
        string memory eip712Version,
        bytes32 eip712Salt
    ) {
        if (minExitPeriod_ == 0) revert ZeroMinExitPeriod();
        if (operator_ == address(0)) revert ZeroAddress();
        minExitPeriod = minExitPeriod_;
        domainSeparator = keccak256(
            abi.encode(
                keccak256(
                    "EIP712Domain(string name,string version,address verifyingContract,bytes32 salt)"
                ),
                keccak256(bytes(eip712Name)),
                keccak256(bytes(eip712Version)),
                address(this),
                eip712Salt
            )
        );
        _head = Head(operator_, uint64(CHILD_BLOCK_INTERVAL), 1);
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        emit OperatorChanged(address(0), operator_);
    }

    // ---------------------------------------------------------------- blocks

    /// @notice Submits the next operator block. Only the operator.
    function submitBlock(bytes32 root) external {
        Head memory head = _head;
        if (msg.sender != head.operator) revert NotOperator(msg.sender);
        uint256 blknum = head.nextChildBlock;
        _blocks[blknum] = _blockWord(root);
        unchecked {
            _head = Head(head.operator, uint64(blknum + CHILD_BLOCK_INTERVAL), 1);
        }
        emit BlockSubmitted(blknum, root, block.timestamp);
    }

    /// @notice Records a deposit block (its root computed by the vault); only an active vault.
    /// @return blknum the deposit block's number
    function submitDepositBlock(bytes32 root) external returns (uint256 blknum) {
        if (!isVault(msg.sender)) revert NotVault(msg.sender);
        Head memory head = _head;
        if (head.nextDeposit >= CHILD_BLOCK_INTERVAL) revert TooManyDeposits(head.nextChildBlock);
        unchecked {
            blknum = head.nextChildBlock - CHILD_BLOCK_INTERVAL + head.nextDeposit;
            _head.nextDeposit = head.nextDeposit + 1;
        }
        _blocks[blknum] = _blockWord(root);
        emit BlockSubmitted(blknum, root, block.timestamp);
    }

    /// @notice The block's root (high 224 bits, low 32 bits zero) and submission time;
    /// (0, 0) if there is no such block.
    function blocks(uint256 blknum) external view returns (bytes32 root224, uint256 timestamp) {
        uint256 word = _blocks[blknum];
        return (bytes32(word & ~TIMESTAMP_MASK), word & TIMESTAMP_MASK);
    }

    /// @notice The raw block word: root high 224 bits | uint32 timestamp (0 = no block).
    function blockWord(uint256 blknum) external view returns (uint256) {
        return _blocks[blknum];
    }

    /// @notice Whether `root` matches the stored root of block `blknum` (high 224 bits).
    function rootMatches(uint256 blknum, bytes32 root) external view returns (bool) {
        uint256 word = _blocks[blknum];
        return word != 0 && (word ^ uint256(root)) & ~TIMESTAMP_MASK == 0;
    }

    function operator() external view returns (address) {
        return _head.operator;
    }

    /// @notice The number the next operator block will get.
    function nextChildBlock() external view returns (uint256) {
        return _head.nextChildBlock;
    }

    /// @notice The number the next deposit block will get (reverting deposits aside: the
    /// 1000th in an interval).
    function nextDepositBlock() external view returns (uint256) {
        Head memory head = _head;
        return head.nextChildBlock - CHILD_BLOCK_INTERVAL + head.nextDeposit;
    }

    function _blockWord(bytes32 root) private view returns (uint256) {
        // Timestamps fit 32 bits until 2106.
        return (uint256(root) & ~TIMESTAMP_MASK) | (block.timestamp & TIMESTAMP_MASK);
    }

    // ---------------------------------------------------------------- administration

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    /// @notice Rotates the operator key. Only the owner.
    function setOperator(address newOperator) external onlyOwner {
        if (newOperator == address(0)) revert ZeroAddress();
        emit OperatorChanged(_head.operator, newOperator);
        _head.operator = newOperator;
    }

    /// @notice Hands ownership to `newOwner`. Only the owner.
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }

    /// @notice Registers a vault (allowed to create deposit blocks). Only the owner. Active at
    /// once before the chain has started, else after 3 × minExitPeriod.
    function registerVault(address vault) external onlyOwner {
        if (vault == address(0)) revert ZeroAddress();
        if (vault.code.length == 0) revert NotAContract(vault);
        if (vaultActiveAt[vault] != 0) revert AlreadyRegistered(vault);
        uint256 activeAt = _activationTime();
        vaultActiveAt[vault] = activeAt;
        emit VaultRegistered(vault, activeAt);
    }

    /// @notice Registers an exit game (allowed to withdraw from the vaults). Only the owner.
    /// Active at once before the chain has started, else after 3 × minExitPeriod.
    function registerExitGame(address exitGame) external onlyOwner {
        if (exitGame == address(0)) revert ZeroAddress();
        if (exitGame.code.length == 0) revert NotAContract(exitGame);
        if (exitGameActiveAt[exitGame] != 0) revert AlreadyRegistered(exitGame);
        uint256 activeAt = _activationTime();
        exitGameActiveAt[exitGame] = activeAt;
        emit ExitGameRegistered(exitGame, activeAt);
    }

    function isVault(address account) public view returns (bool) {
        uint256 t = vaultActiveAt[account];
        return t != 0 && t <= block.timestamp;
    }

    function isExitGame(address account) public view returns (bool) {
        uint256 t = exitGameActiveAt[account];
        return t != 0 && t <= block.timestamp;
    }

    /// @dev Before any block or deposit: now; afterwards: now + 3 × minExitPeriod.
    function _activationTime() private view returns (uint256) {
        Head memory head = _head;
        bool started = head.nextChildBlock != CHILD_BLOCK_INTERVAL || head.nextDeposit != 1;
        return started ? block.timestamp + 3 * minExitPeriod : block.timestamp;
    }
}
