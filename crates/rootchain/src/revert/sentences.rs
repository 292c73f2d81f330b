//! One sentence per custom error of our contracts (contracts/src), keyed by the error's name.
//! `{arg}` or `{arg:kind}` places an argument by its ABI name; see `revert::render` for kinds.

/// (error name, sentence).
pub(super) const SENTENCES: &[(&str, &str)] = &[
    // ---- shared (common/ChildBlocks.sol)
    ("NotOperator", "only the operator may do this, and the caller {caller} is not the operator"),
    // ---- PlasmaFramework
    (
        "NotOwner",
        "only the framework's owner may do this, and the caller {caller} is not the owner",
    ),
    (
        "NotVault",
        "the caller {caller} is not a registered vault whose quarantine is over: only active vaults create deposit blocks",
    ),
    ("ZeroAddress", "an address given is the zero address: pass a real address"),
    ("ZeroMinExitPeriod", "the minimum exit period is zero: it must be at least one second"),
    ("AlreadyRegistered", "the address {account} is already registered"),
    (
        "NotAContract",
        "the address {account} has no code: only a deployed contract can be registered as a vault or exit game",
    ),
    (
        "TooManyDeposits",
        "all 999 deposit numbers before the next operator block are taken: deposit again after the operator submits its next block",
    ),
    // ---- vaults
    (
        "NotExitGame",
        "the caller {caller} is not a registered exit game whose quarantine is over: only exit games withdraw from a vault",
    ),
    (
        "NotADepositTx",
        "a deposit transaction needs no inputs and exactly one output, and this one has {inputs} inputs and {outputs} outputs",
    ),
    (
        "DepositOwnerMismatch",
        "the deposit's output is owned by {owner} but {sender} sent it: deposit from the address that owns the output",
    ),
    (
        "DepositWrongToken",
        "this vault does not take token {token}: ETH (token zero) goes to the ETH vault, other tokens to the ERC20 vault",
    ),
    (
        "DepositAmountMismatch",
        "the deposit states {stated} but {received} arrived: for ETH send the amount plus any surge fee; a token that takes a fee on transfer cannot be deposited",
    ),
    (
        "DepositAmountTooLarge",
        "the deposit amount {amount} does not fit in 160 bits, so it could never exit",
    ),
    ("NothingPending", "nothing is credited to this address for withdrawal from the vault"),
    (
        "InsufficientFunds",
        "a payout of {amount} exceeds the vault's free funds of {available}: it could only be paid from other users' deposits",
    ),
    ("ZeroFramework", "the framework address is zero"),
    (
        "WrongDepositFee",
        "the deposit's surge fee is {required:wei} but {sent:wei} was paid: pay exactly the current deposit fee (another deposit may have just raised it)",
    ),
    (
        "FeeTransferFailed",
        "paying the surge fee of {fee:wei} to the operator {operator} failed: the operator's address refused the ETH",
    ),
    ("EthTransferFailed", "sending {amount:wei} to {to} failed: the address refused the ETH"),
    // ---- exit bonds
    (
        "InvalidBond",
        "an exit bond of {exitBond:wei} is not allowed: it must be above zero and at most 2^64 - 1 wei (about 18.4 ETH)",
    ),
    (
        "BondChangeOutOfRange",
        "a new exit bond of {proposed:wei} is outside half to twice the current bond of {current:wei}",
    ),
    (
        "BondBelowFloor",
        "a new exit bond of {proposed:wei} is below the floor of {floor:wei} (the bond the game was deployed with)",
    ),
    // ---- payment exit game: standard exits
    ("WrongBond", "send exactly {required:wei} as the bond, not {sent:wei}"),
    (
        "BlockNotFound",
        "no such child block has been submitted to the root chain: check the block number, or wait until the operator submits it",
    ),
    (
        "OutputIndexOutOfRange",
        "output index {oindex} does not exist: the transaction has {outputs} outputs",
    ),
    (
        "NotOutputOwner",
        "the output belongs to {owner}, not to the caller {caller}: only its owner may exit or piggyback it",
    ),
    (
        "InvalidInclusionProof",
        "the inclusion proof does not match the child block's root for the transaction at position {utxoPos}",
    ),
    ("ExitAlreadyStarted", "a standard exit of this output is already live (exit id {exitId:hex})"),
    (
        "ExitableAtTooLarge",
        "the exit would mature at {exitableAt:time}, later than 32-bit time allows (year 2106): the chain's minimum exit period is too long",
    ),
    (
        "OutputAlreadyExited",
        "the output has already exited (exit id {exitId:hex}): an output exits only once",
    ),
    ("NothingCredited", "no bond credit is owed to this address"),
    (
        "ExitNotFound",
        "there is no live standard exit {exitId:hex} of this output: it was never started, or was already challenged or processed",
    ),
    (
        "NotASpend",
        "the transaction shown does not spend the one in question: it must name it as an input (Plasma Cash: as its previous block, with a copy proof if that block holds a copy)",
    ),
    ("SignerNotOwner", "the signature is by {signer}, not by the owner {owner}"),
    (
        "SenderDataMismatch",
        "senderData {senderData} is not the keccak256 hash of the caller's address: compute it from the address that sends the challenge",
    ),
    ("AmountTooLarge", "the amount {amount} does not fit in 160 bits, so it cannot exit"),
    (
        "PositionTooLarge",
        "position {utxoPos:pos} is too large: its transaction position must be below 2^64",
    ),
    (
        "OutputPiggybacked",
        "the output is piggybacked on a live in-flight exit (output exit id {exitId:hex}): it can exit only there",
    ),
    ("BondTransferFailed", "paying {amount:wei} to {to} failed: the address refused the ETH"),
    // ---- payment exit game: in-flight exits
    (
        "NotDelegated",
        "this module only runs through its main contract: send the call to PlasmaCash or PaymentExitGame, not to the module",
    ),
    ("NoInputs", "the in-flight transaction has no inputs, so it cannot exit in flight"),
    (
        "InputCountMismatch",
        "the in-flight transaction has {inputs} inputs but {given} entries were given: pass one input transaction, position, proof and signature per input",
    ),
    (
        "InputPositionMismatch",
        "the position {utxoPos:pos} given for input {index} is not that input of the in-flight transaction",
    ),
    (
        "OutputsExceedInputs",
        "the outputs in token {token} add up to {outputs}, more than the inputs' {inputs}",
    ),
    (
        "InFlightExitAlreadyStarted",
        "an in-flight exit of this transaction already exists (exit id {exitId:hex})",
    ),
    (
        "InputsExitedInFlight",
        "the transaction's inputs are being paid out by its non-canonical in-flight exit {exitId:hex}, so its outputs cannot exit",
    ),
    (
        "InFlightExitNotFound",
        "there is no live in-flight exit {exitId:hex}: it was never started, or was deleted or finalized",
    ),
    // ---- batch exits (PaymentBatchExitModule, lib/BatchEntries.sol)
    ("BatchNotFound", "there is no unfinished batch exit {exitId:hex}"),
    (
        "NotBatchAgent",
        "{owner} has not made {caller} its batch-exit agent: the owner calls setBatchExitAgent first",
    ),
    (
        "BatchExitNotAtHead",
        "batch exit {exitId:hex} is not at the head of its token's queue ({head:hex} is): process the exits ahead of it first",
    ),
    ("BatchExitNotMature", "batch exit {exitId:hex} can be processed only from {exitableAt:time}"),
    (
        "BatchDataMismatch",
        "the entry list given is not the one batch exit {exitId:hex} committed to: take it from its BatchExitStarted event",
    ),
    (
        "EntrySettled",
        "entry {index} of batch exit {exitId:hex} is already settled (processed or challenged)",
    ),
    (
        "EntryValid",
        "entry {index} of batch exit {exitId:hex} matches the chain: the challenge shows nothing wrong",
    ),
    (
        "EntryNotShown",
        "the transaction shown is not at entry {index}'s position of batch exit {exitId:hex}, or lacks its output: the entry cannot be answered",
    ),
    (
        "ProofAlreadyRequested",
        "the proof of entry {index} of batch exit {exitId:hex} is already asked for and not answered yet",
    ),
    (
        "ProofRequestTooLate",
        "proofs of batch exit {exitId:hex}'s entries can be asked for only until {deadline:time} (half an exit period before it matures)",
    ),
    ("BatchEncoding", "the batch entry list is malformed at byte {offset}"),
    ("BatchSize", "a batch exit holds 1 to 1024 entries, not {entries}"),
    (
        "EntryNotInBatch",
        "the entry at index {index} and its branch do not lead to the batch's root",
    ),
    (
        "DecodeOutOfGas",
        "decoding the transaction ran out of gas: send the challenge again with more gas",
    ),
    (
        "BatchModuleMismatch",
        "the batch exit module {module} is not built with this exit game's framework, vaults and bond",
    ),
    (
        "PiggybackPeriodOver",
        "the period for piggybacks and canonicity challenges of in-flight exit {exitId:hex} ended at {deadline:time}",
    ),
    (
        "PiggybackPeriodNotOver",
        "in-flight exit {exitId:hex} can be deleted only after its piggyback period ends at {deadline:time}",
    ),
    (
        "IndexOutOfRange",
        "index {index} is out of range: there are only {count} inputs or outputs to choose from",
    ),
    (
        "AlreadyPiggybacked",
        "leg {leg} of in-flight exit {exitId:hex} is already piggybacked (legs 0-3 are the inputs, 4-7 the outputs)",
    ),
    (
        "NotPiggybacked",
        "leg {leg} of in-flight exit {exitId:hex} is not piggybacked, so there is nothing to challenge (legs 0-3 are the inputs, 4-7 the outputs)",
    ),
    (
        "InFlightExitHasPiggybacks",
        "in-flight exit {exitId:hex} has piggybacks, so it cannot be deleted: it ends when it is processed",
    ),
    (
        "ChallengeAnswerPeriodNotOver",
        "a canonicity challenge of in-flight exit {exitId:hex} stands: the exit can be deleted only from {exitableAt:time}",
    ),
    (
        "InFlightExitProcessing",
        "processing of in-flight exit {exitId:hex} has started: its canonicity is final and it can no longer be challenged, answered or deleted",
    ),
    (
        "SameTx",
        "the competing or spending transaction is the in-flight transaction itself: show a different transaction",
    ),
    (
        "InputNotShared",
        "the other transaction's input {competingInput} is not the in-flight transaction's {inFlightInput}: it must spend that same input or output",
    ),
    (
        "CompetitorNotOlder",
        "the competitor's tx position {competitorPos} is not below {currentPos}, the earliest already shown: a new challenge needs an older competitor (tx position = child block * 100000 + tx index; 18446744073709551615 = not included)",
    ),
    ("NotChallenged", "in-flight exit {exitId:hex} has no standing canonicity challenge to answer"),
    (
        "ResponseNotEarlier",
        "tx position {txPos} of the in-flight transaction is not before the competitor's {competitorPos}: respond with an earlier inclusion (tx position = child block * 100000 + tx index)",
    ),
    (
        "ResponseBeforeInputs",
        "tx position {txPos} is not after the youngest input's {youngestInputTxPos}: a transaction cannot be included before its inputs (tx position = child block * 100000 + tx index)",
    ),
    // ---- Plasma Cash: deposits, blocks, coins
    ("ZeroDeposit", "the deposit amount is zero: deposit a positive amount"),
    ("ZeroToken", "the token address is zero: deposit ETH with depositEth instead"),
    ("ZeroRoot", "a block root of zero cannot be submitted"),
    (
        "SlotTaken",
        "the new coin's slot {slot} is already used by another coin (a 64-bit slot collision)",
    ),
    (
        "DepositFromZero",
        "the NFT came from the zero address (minted straight to the contract): deposit it with a safeTransferFrom from its owner",
    ),
    (
        "NftNotReceived",
        "the contract does not own token {tokenId} of {token}: deposit an NFT with safeTransferFrom to the contract",
    ),
    ("NftAlreadyDeposited", "token {tokenId} of {token} is already coin {slot}"),
    ("ZeroOperator", "the operator address is zero"),
    ("ZeroBond", "the bond is zero: it must be above zero"),
    ("PeriodTooLong", "a period of {period} seconds is longer than the 365 days allowed"),
    ("CoinNotFound", "there is no coin {slot}: check the slot"),
    (
        "WrongCoinState",
        "coin {slot} is {state:coin}, which does not allow this: exits start from deposited, challenges and finalizing need exiting, withdrawal needs exited",
    ),
    ("WrongSlot", "the transaction is of coin {txSlot}, not of coin {slot}"),
    (
        "DepositNotAtDepositBlock",
        "a deposit transaction was shown at child block {blockNumber}, but the coin was deposited in child block {depositBlock}",
    ),
    (
        "DepositTxMismatch",
        "the deposit transaction (owner {owner}) does not match the coin's deposit: its depositor and amount",
    ),
    (
        "NotAnOperatorBlock",
        "child block {blockNumber} is not an operator block (a multiple of 1000): only a coin's deposit transaction lives in a deposit block",
    ),
    (
        "BlockBeforeDeposit",
        "child block {blockNumber} is not after the coin's deposit in child block {depositBlock}: the coin did not exist yet",
    ),
    (
        "PrevBlockNotBefore",
        "the transaction names child block {prevBlock} as its previous block, which is not before its own child block {blockNumber}",
    ),
    (
        "NotIncluded",
        "the proof does not show the transaction at the coin's slot in child block {blockNumber}: check the block number and the proof",
    ),
    ("WrongSigner", "the transaction is signed by {signer}, but it must be signed by {expected}"),
    ("NothingToWithdraw", "no bonds or rewards are credited to this address"),
    // ---- Plasma Cash: exits and challenges
    (
        "NotTxOwner",
        "only {owner}, the new owner in the exiting transaction, may start this exit, not the caller {caller}",
    ),
    (
        "WrongParentBlock",
        "the exiting transaction spends the one in child block {prevBlock}, but the parent was given at child block {parentBlock}: give the parent's block",
    ),
    (
        "LeafAfterCheckpoint",
        "the exiting transaction is at child block {txBlock}, after the checkpoint's child block {blockNumber}: show it at a block no later than the checkpoint",
    ),
    (
        "NotBetween",
        "the challenging transaction at child block {blockNumber} is not between the parent at child block {parentBlock} and the exiting transaction at child block {exitBlock}",
    ),
    (
        "CheckpointBeforeExit",
        "the checkpoint is at child block {blockNumber}, before the exiting transaction's child block {exitBlock}: only a checkpoint at or after it can cancel the exit",
    ),
    ("ExitNotMature", "the exit is not mature yet: it can be processed from {exitableAt:time}"),
    ("NotExitOwner", "only the exiter {owner} may withdraw this coin, not the caller {caller}"),
    ("TooManyExits", "coin {slot} has used up its 4294967295 exit numbers: no new exit can start"),
    (
        "ProvenInvalid",
        "transaction {txHash} was proven invalid by an earlier challenge and can never exit: exit the coin's latest valid transaction instead",
    ),
    (
        "ExitLive",
        "the coin's priority window is open until {priorityUntil:time}, but its live exit, of child block {exitBlock}, is not later than this one: only an earlier transaction can displace it",
    ),
    (
        "ExitHasNoParent",
        "the exit of coin {slot} has no parent transaction (a deposit or checkpoint exit), so it cannot be challenged with a transaction between or before",
    ),
    (
        "NotBeforeExit",
        "the challenging transaction at child block {blockNumber} is not before the exiting transaction's child block {exitBlock}",
    ),
    (
        "CheckpointAgrees",
        "the checkpoint's leaf {leaf} is the very transaction it should contradict (or it is the disputed checkpoint itself), so it proves nothing",
    ),
    (
        "ExitMatured",
        "the exit matured at {exitableAt:time}: it can be challenged with an earlier transaction only before maturity",
    ),
    (
        "ChallengeExists",
        "that transaction already challenges this exit (its challenge is {state:challenge})",
    ),
    (
        "ChallengeNotOpen",
        "no open challenge by transaction {txHash} stands against this exit: it was never made, already answered or settled, or belongs to an earlier exit",
    ),
    (
        "ChallengeStillLive",
        "the exit challenged by transaction {txHash} is still live: the challenge bond can be reclaimed only once that exit is over",
    ),
    (
        "ResponseAfterExit",
        "the response at child block {respondingBlock} is after the exiting transaction's child block {exitBlock}: it must be no later than the exit",
    ),
    (
        "CheckpointNotBetween",
        "the checkpoint at child block {blockNumber} is outside the range from child block {txBlock} (the challenged or disputed transaction) to child block {exitBlock}",
    ),
    (
        "ChallengeWithExitingTx",
        "the challenging transaction {txHash} is the exiting transaction itself (a copy of it): challenge with a different transaction",
    ),
    // ---- Plasma Cash: checkpoints
    ("CheckpointNotFound", "there is no checkpoint {checkpointId}"),
    ("DisputeWindowOver", "disputes of checkpoint {checkpointId} closed at {deadline:time}"),
    (
        "ResponseWindowOver",
        "answers to disputes of checkpoint {checkpointId} closed at {finalAt:time}",
    ),
    (
        "CheckpointNotFinal",
        "checkpoint {checkpointId} is not final until {finalAt:time}: wait until then",
    ),
    (
        "CheckpointVoided",
        "checkpoint {checkpointId} is void for coin {slot} (a dispute went unanswered): it cannot be used for this coin",
    ),
    (
        "NotInCheckpoint",
        "the leaf and proof do not match the root of checkpoint {checkpointId} at coin {slot}",
    ),
    (
        "TxAfterCheckpoint",
        "the transaction at child block {txBlock} is after the checkpoint's child block {blockNumber}",
    ),
    (
        "TxIsCheckpointLeaf",
        "transaction {txHash} is the checkpoint's leaf for the coin: the checkpoint agrees with it, so there is nothing to dispute",
    ),
    (
        "DisputeExists",
        "that transaction already disputes this checkpoint for the coin (its dispute is {state:dispute})",
    ),
    (
        "DisputeNotOpen",
        "no open dispute of checkpoint {checkpointId} for coin {slot} by transaction {txHash}: it was never made, or was already answered or resolved",
    ),
    // ---- format libraries: RLP
    ("RlpEmptyInput", "the transaction bytes are empty"),
    (
        "RlpTruncated",
        "the transaction bytes are cut short: an RLP item needs {needed} bytes but only {available} remain",
    ),
    (
        "RlpTrailingBytes",
        "the transaction's RLP item ends after {consumed} of the {total} bytes: remove the extra bytes",
    ),
    (
        "RlpLeadingZeroInLength",
        "an RLP length in the transaction has a leading zero byte (not the canonical encoding)",
    ),
    (
        "RlpNonCanonicalLength",
        "an RLP length of {length} in the transaction uses the long form, but lengths up to 55 must use the short form",
    ),
    (
        "RlpNonCanonicalSingleByte",
        "the byte {value} is encoded as a one-byte RLP string, but a byte below 0x80 must stand for itself",
    ),
    ("RlpExpectedString", "the transaction has an RLP list where a single value was expected"),
    ("RlpExpectedList", "the transaction has an RLP value where a list was expected"),
    (
        "RlpIntegerTooLong",
        "an integer in the transaction is {length} bytes long, more than the 32 allowed",
    ),
    (
        "RlpIntegerLeadingZero",
        "an integer in the transaction has a leading zero byte (not the canonical encoding)",
    ),
    (
        "RlpWrongStringLength",
        "a field of the transaction is {actual} bytes long, but {expected} are required (20 for an address, 32 for an input or metadata)",
    ),
    // ---- format libraries: transactions and positions
    (
        "TxWrongFieldCount",
        "the transaction has {count} fields, but a payment transaction has exactly 5",
    ),
    ("TxWrongType", "the transaction type is {txType}: only 1 (payment) is supported"),
    (
        "FeeTxWrongFieldCount",
        "the transaction has {count} fields, but a fee claim has exactly 3 (type, output, nonce)",
    ),
    ("FeeTxWrongType", "the fee claim's type is {txType}: it must be 3"),
    ("FeeTxWrongOutputCount", "the fee claim has {count} outputs: exactly 1 is required"),
    (
        "FeeTxWrongNonce",
        "the fee claim's nonce {nonce} is not the one of its block and token ({expected}): it belongs to another block or token",
    ),
    ("TxTooManyInputs", "the transaction has {count} inputs: at most 4 are allowed"),
    ("TxZeroInput", "input {index} of the transaction is zero"),
    ("TxDuplicateInput", "input {index} of the transaction repeats an earlier input ({input})"),
    ("TxNoOutputs", "the transaction has no outputs: at least 1 is required"),
    ("TxTooManyOutputs", "the transaction has {count} outputs: at most 4 are allowed"),
    (
        "TxOutputWrongFieldCount",
        "output {index} of the transaction has {count} fields: exactly 2 (type and data) are required",
    ),
    (
        "TxWrongOutputType",
        "output {index} of the transaction has type {outputType}: a payment's outputs have type 1, a fee claim's type 2",
    ),
    (
        "TxOutputDataWrongFieldCount",
        "the data of output {index} has {count} fields: exactly 3 (owner, token, amount) are required",
    ),
    ("TxZeroOwner", "output {index} of the transaction is owned by the zero address"),
    ("TxZeroAmount", "output {index} of the transaction has a zero amount"),
    ("TxNonZeroTxData", "the transaction's txData is {txData}: it must be 0"),
    (
        "CashTxWrongFieldCount",
        "the coin transaction has {count} fields: exactly 4 (slot, previous block, denomination, new owner) are required",
    ),
    ("CashTxSlotTooLarge", "the coin transaction's slot {slot} does not fit in 64 bits"),
    ("UtxoPosTxIndexTooLarge", "transaction index {txindex} is above the largest, 65535"),
    ("UtxoPosOutputIndexTooLarge", "output index {oindex} is above the largest, 9999"),
    (
        "UtxoPosBlknumTooLarge",
        "child block {blknum} is too large for a position to fit in 256 bits",
    ),
    // ---- format libraries: Merkle proofs and signatures
    (
        "MerkleInvalidProofLength",
        "the inclusion proof is {length} bytes long: it must be exactly 512",
    ),
    (
        "MerkleIndexOutOfRange",
        "transaction index {index} is beyond the 65536 leaves of a child block",
    ),
    (
        "SparseMerkleBadProofLength",
        "the coin's Merkle proof is {found} bytes long but must be {expected} (an 8-byte bitmap, then 32 bytes per sibling it announces)",
    ),
    (
        "SparseMerkleLevelOutOfRange",
        "there is no empty subtree of height {level}: heights go from 0 to 64",
    ),
    ("SignatureInvalidLength", "the signature is {length} bytes long: it must be exactly 65"),
    ("SignatureInvalidV", "the signature's recovery byte v is {v}: it must be 27 or 28"),
    (
        "SignatureHighS",
        "the signature's s value {s} is in the upper half of the curve order: sign again in the low-s form",
    ),
    ("SignatureInvalid", "the signature recovers no signer: it is not a valid signature"),
    (
        "CashSignatureBadLength",
        "the coin signature is {length} bytes long: it must be exactly 66 (a mode byte, then r, s and v)",
    ),
    (
        "CashSignatureBadMode",
        "the coin signature's mode byte is {mode}: it must be 0 (signed over the hash) or 1 (signed as an Ethereum message)",
    ),
    // ---- priority queue
    ("PriorityQueueEmpty", "the exit queue is empty"),
    (
        "PriorityQueueInvalidKey",
        "the exit priority key {key:hex} is invalid: 0 and 2^256 - 1 are reserved",
    ),
    // ---- OpenZeppelin's errors that our contracts can revert with (the reentrancy guard,
    // SafeERC20, the test tokens; an OpenZeppelin token's errors also bubble up through a deposit)
    (
        "ReentrancyGuardReentrantCall",
        "the contract was called again while a call to it was still running, which is refused",
    ),
    (
        "SafeERC20FailedOperation",
        "the token {token} refused or failed the transfer (it returned false, or has no code)",
    ),
    (
        "ERC20InsufficientBalance",
        "the address {sender} holds {balance} of the token, but {needed} are needed",
    ),
    (
        "ERC20InsufficientAllowance",
        "the spender {spender} is allowed only {allowance} of the token but needs {needed}: approve it for the amount first",
    ),
    ("ERC20InvalidSender", "the token cannot move funds from {sender} (the zero address)"),
    ("ERC20InvalidReceiver", "the token cannot send funds to {receiver} (the zero address)"),
    (
        "ERC20InvalidApprover",
        "the token cannot record an approval from {approver} (the zero address)",
    ),
    ("ERC20InvalidSpender", "the token cannot approve {spender} (the zero address) as a spender"),
    ("ERC721InvalidOwner", "the address {owner} cannot own an NFT (the zero address)"),
    ("ERC721NonexistentToken", "there is no NFT with id {tokenId}"),
    ("ERC721IncorrectOwner", "the NFT {tokenId} is owned by {owner}, not by {sender}"),
    (
        "ERC721InvalidSender",
        "the NFT cannot come from {sender}: minting an id that already exists is refused",
    ),
    (
        "ERC721InvalidReceiver",
        "the address {receiver} cannot receive the NFT (the zero address, or a contract that does not accept ERC721 tokens)",
    ),
    (
        "ERC721InsufficientApproval",
        "the address {operator} is neither the owner of NFT {tokenId} nor approved to move it",
    ),
    (
        "ERC721InvalidApprover",
        "the address {approver} may not approve for this NFT: it is neither the owner nor an approved operator",
    ),
    (
        "ERC721InvalidOperator",
        "the address {operator} cannot be made an operator (the zero address)",
    ),
    // ---- PlasmaDebit (and DebitTransaction)
    (
        "DebitTxNoKind",
        "the Debit transaction is an empty list: its first item must be its kind (0 deposit, 1 transfer, 2 pay)",
    ),
    (
        "DebitTxUnknownKind",
        "the Debit transaction's kind is {kind}: it must be 0 (deposit), 1 (transfer) or 2 (pay)",
    ),
    (
        "DebitTxWrongFieldCount",
        "a Debit transaction of kind {kind} has {expected} fields, and this one has {found}",
    ),
    (
        "DebitTxSlotTooLarge",
        "field {field} of the Debit transaction, a slot, is {slot}: slots are below 2^64",
    ),
    (
        "NotAPay",
        "the transaction is of kind {kind}, not a pay (2): only a pay can be a credit or be acknowledged",
    ),
    ("PayToSelf", "the pay is from coin {slot} to itself: a pay moves value between two coins"),
    (
        "PeerNotIncluded",
        "the pay's other leg is not shown at coin {slot} in block {blockNumber}: a pay counts only when the same transaction is at both of its coins in the same block",
    ),
    (
        "PayeeNotCredited",
        "the pay {txHash:hex} cannot count against its payer: the payee's coin {toSlot} exits an earlier state of someone else, or was paid out without this credit; if the payer went on from the pay, show that first (acknowledgePay)",
    ),
    (
        "WrongPayer",
        "the pay's fromOwner is {fromOwner}, but the state it spends is owned by {owner}",
    ),
    (
        "WrongPayee",
        "the pay credits {toOwner}, but the exit pays {owner}: a credit is added only to its payee's exit",
    ),
    (
        "CreditNotAfterExit",
        "the pay at block {blockNumber} is not after the exiting state's block {exitBlock}: the exiting state already holds it",
    ),
    ("CreditAlreadyAdded", "the pay {txHash:hex} was already added to this exit"),
    ("ZeroTopUp", "a top-up of zero wei: send the ETH to add to the coin's capacity"),
];

/// Names of the values of the `uint8 state` of a Plasma Cash coin, by number (for `{state:coin}`):
/// `CashBase.CoinState` (NONE, DEPOSITED, EXITING, EXITED, WITHDRAWN).
pub(super) const COIN_STATES: &[&str] = &["absent", "deposited", "exiting", "exited", "withdrawn"];

/// Names of the values of the `uint8 state` of a Plasma Cash challengeBefore, by number (for
/// `{state:challenge}`): `CashExitsBase.ChallengeState` (NONE, OPEN, ANSWERED).
pub(super) const CHALLENGE_STATES: &[&str] = &["absent", "open", "answered"];

/// Names of the values of the `uint8 state` of a Plasma Cash checkpoint dispute, by number (for
/// `{state:dispute}`): `CashCheckpointsBase.DisputeState` (NONE, OPEN, ANSWERED, UPHELD).
pub(super) const DISPUTE_STATES: &[&str] = &["absent", "open", "answered", "upheld"];
